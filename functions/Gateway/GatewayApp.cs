using Portcullis.Gateway.Forwarding;
using Portcullis.Gateway.Keys;
using Portcullis.Gateway.Observability;
using Portcullis.Gateway.Quotas;
using Portcullis.Gateway.ServiceControl;
using Portcullis.GoogleCloud.ServiceControl;
using Portcullis.Gateway.Sources;
using Portcullis.GoogleCloud.Auth;
using Portcullis.GoogleCloud.Configs;
using Portcullis.GoogleCloud.IdTokens;
using Portcullis.GoogleCloud.SecretManager;
using Portcullis.Hosting;
using Portcullis.Hosting.Logging;
using Portcullis.Hosting.Startup;

namespace Portcullis.Gateway;

/// <summary>Builds the gateway function app. Used by <c>Program</c>, the CLI's <c>dev</c> and the functional tests.</summary>
public static class GatewayApp
{
    /// <summary>
    /// Builds the app from the environment and <c>--NAME value</c> <paramref name="args"/>.
    /// Returns null with every problem in <paramref name="errors"/> when the config is invalid.
    /// </summary>
    public static WebApplication? Build(string[] args, out IReadOnlyList<string> errors, Action<IServiceCollection>? configureServices = null)
    {
        WebApplicationBuilder builder = FunctionHost.CreateBuilder(args);
        StartupTimeline.Mark("host builder");
        GatewayOptions options = GatewayOptions.FromConfiguration(builder.Configuration);
        IServiceCollection services = builder.Services;
        if (options.InlineIo)
        {
            InlineIo.EnableInKestrel(services);
        }

        AddLoggers(services);
        services.AddSingleton(options);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<GatewaySources>();
        if (options.KeysMode == KeysMode.ServiceControl)
        {
            services.AddSingleton(sp => new ServiceControlClient(
                new HttpClient { BaseAddress = options.ServiceControlUrl, Timeout = Timeout.InfiniteTimeSpan },
                sp.GetRequiredService<IAccessTokenSource>(),
                new ServiceControlOptions(),
                sp.GetRequiredService<TimeProvider>()));
            services.AddSingleton<IKeySource, ServiceControlKeySource>();
            services.AddSingleton<UsageReporter>();
            services.AddHostedService(sp => sp.GetRequiredService<UsageReporter>());
        }
        else if (options.KeysMode == KeysMode.CloudStorage)
        {
            StorageKeyringServices.Add(services, options);
        }
        else
        {
            services.AddSingleton<IKeySource, KeyringKeySource>();
        }

        services.AddSingleton<IIdTokenSource>(_ => new GoogleIdTokenSource());
        services.AddSingleton<IAccessTokenSource, GoogleAccessTokenSource>();
        services.AddSingleton(sp => ConfigStores.SecretManagerClient(options.SecretManagerUrl, sp.GetRequiredService<IAccessTokenSource>()));
        if (options.KeysMode == KeysMode.ServiceControl)
        {
            services.AddSingleton<IQuotaCounter, ServiceControlQuotaCounter>();
        }
        else if (options.Redis is { } redis)
        {
            services.AddSingleton<IQuotaCounter>(sp => new RedisQuotaCounter(redis, sp.GetRequiredService<ILogger<RedisQuotaCounter>>()));
        }
        else
        {
            services.AddSingleton<IQuotaCounter, InstanceQuotaCounter>();
        }

        services.AddHttpForwarder();
        services.AddSingleton<BackendForwarder>();
        GatewayPipeline.Add(services, builder.Configuration);
        services.AddSingleton(sp => new RequestTelemetry(
            sp.GetRequiredService<GatewaySources>(),
            options,
            sp.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(),
            sp.GetRequiredService<ILoggerFactory>(),
            sp.GetService<UsageReporter>()));
        if (!string.IsNullOrEmpty(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            OpenTelemetryExport.Add(services);
        }

        services.AddHostedService<SourcePoller>();
        configureServices?.Invoke(services);

        WebApplication app = builder.Build();
        var sources = app.Services.GetRequiredService<GatewaySources>();
        StartupTimeline.Mark("services");
        errors = sources.Config.RefreshAsync(CancellationToken.None).GetAwaiter().GetResult();
        StartupTimeline.Mark("config");
        if (sources.Config.Target.Current is null)
        {
            // Not started, but built: its services (HTTP handlers, the log writer) still need disposing.
            ((IDisposable)app).Dispose();
            return null;
        }

        ILogger logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Portcullis.Gateway");
        if (sources.Keyring is { } keyring && keyring.RefreshAsync(CancellationToken.None).GetAwaiter().GetResult().Count > 0)
        {
            GatewayLog.KeyringUnavailable(logger);
        }

        StartupTimeline.Mark("keyring");

        if (!options.BackendAuth)
        {
            GatewayLog.BackendAuthOff(logger);
        }

        GatewayPipeline.LoadIssuerKeys(app.Services, sources.Config.Target.Current);
        var endpoint = app.Services.GetRequiredService<GatewayEndpoint>();
        var telemetry = app.Services.GetRequiredService<RequestTelemetry>();
        Func<HttpContext, RequestFacts, ValueTask> handler = endpoint.HandleAsync;
        app.Run(context => telemetry.InvokeAsync(context, handler));
        StartupTimeline.Mark("endpoint");
        app.Lifetime.ApplicationStarted.Register(() => StartupTimeline.Log(logger));
        return app;
    }

    /// <summary>The gateway's typed loggers, registered closed (see <see cref="ClosedGenerics"/>).</summary>
    private static void AddLoggers(IServiceCollection services)
    {
        ClosedGenerics.AddLogger<GatewaySources>(services);
        ClosedGenerics.AddLogger<SourcePoller>(services);
        ClosedGenerics.AddLogger<Authentication.Authenticator>(services);
        ClosedGenerics.AddLogger<Authentication.JwksCache>(services);
        ClosedGenerics.AddLogger<ForwardStep>(services);
        ClosedGenerics.AddLogger<StorageKeyring>(services);
        ClosedGenerics.AddLogger<ServiceControlKeySource>(services);
        ClosedGenerics.AddLogger<UsageReporter>(services);
        ClosedGenerics.AddLogger<RedisQuotaCounter>(services);
    }

    /// <summary>The function's entry point: builds and runs, or prints every config problem and exits 1.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        StartupTimeline.Start();
        WebApplication? app;
        try
        {
            // Before Build: reading the config from Secret Manager opens the process's first socket.
            if (GatewayOptions.ReadInlineIo(new ConfigurationBuilder().AddEnvironmentVariables().AddCommandLine(args).Build()))
            {
                InlineIo.EnableInRuntime();
            }

            app = Build(args, out IReadOnlyList<string> errors);
            if (app is null)
            {
                await Console.Error.WriteLineAsync("portcullis gateway: cannot serve the API config (invalid, or its store cannot be read):").ConfigureAwait(false);
                foreach (string error in errors)
                {
                    await Console.Error.WriteLineAsync("  " + error).ConfigureAwait(false);
                }

                return 1;
            }
        }
        catch (InvalidOperationException e)
        {
            await Console.Error.WriteLineAsync("portcullis gateway: " + e.Message).ConfigureAwait(false);
            return 1;
        }

        TokenPrefetch.Start(app.Services);
        return await FunctionHost.RunAsync(app, "portcullis gateway").ConfigureAwait(false);
    }
}
