using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Portcullis.Hosting.Logging;
using Portcullis.Hosting.Startup;

namespace Portcullis.Hosting;

/// <summary>
/// The Cloud Run / Functions Framework hosting contract on plain ASP.NET Core, shared by both
/// functions: listen on <c>PORT</c> (default 8080), on all interfaces when <c>PORT</c> or
/// <c>K_SERVICE</c> is set and on loopback otherwise, and log one JSON object per line for
/// Cloud Logging when <c>K_SERVICE</c> is set. Settings come from the environment and from
/// <c>--NAME value</c> arguments (arguments win).
/// </summary>
public static class FunctionHost
{
    /// <summary>Default port, as in the Functions Framework.</summary>
    public const int DefaultPort = 8080;

    /// <summary>Creates a builder with the contract applied.</summary>
    public static WebApplicationBuilder CreateBuilder(string[] args)
    {
        // The empty builder and only what the functions use. The slim builder also reads
        // appsettings.json with reload-on-change, whose file watcher walks every directory under the
        // working directory at start (on a buildpack deploy, the whole source tree): about half of the
        // AOT gateway's start-up CPU (bench/results/2026-12-03-coldstart-2.md). The functions take
        // their settings from the environment and arguments only. A function that maps endpoints adds
        // routing itself (the gateway has one handler and no routing).
        // The arguments are added here, after the environment, so they win (given to the builder
        // as Args, they would be read first and read again here).
        WebApplicationBuilder builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(FunctionHost).Assembly.GetName().Name,
        });
        builder.Configuration.AddEnvironmentVariables();
        builder.Configuration.AddCommandLine(args);
        builder.WebHost.UseKestrelCore();
        ClosedGenerics.AddHostDefaults(builder.Services);

        IConfiguration config = builder.Configuration;
        bool onCloudRun = !string.IsNullOrEmpty(config["K_SERVICE"]);
        string? portText = config["PORT"];
        int port = DefaultPort;
        if (!string.IsNullOrEmpty(portText)
            && (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port > 65535))
        {
            throw new InvalidOperationException($"PORT must be a port number, not '{portText}'.");
        }

        IPAddress address = ResolveAddress(config["PORTCULLIS_BIND"], onCloudRun || !string.IsNullOrEmpty(portText));
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // Room for ESPv2's 8192-byte path limit plus a query, so an over-long path gets the
            // gateway's own JSON 400 rather than Kestrel's bare 414.
            kestrel.Limits.MaxRequestLineSize = 32 * 1024;
            kestrel.Listen(address, port);
        });

        builder.Logging.ClearProviders();
        builder.Logging.AddConfiguration(config.GetSection("Logging"));
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Services.AddSingleton<IPostConfigureOptions<LoggerFilterOptions>, RequestLineLogOff>();
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Information);
        builder.Logging.AddFilter("Yarp", LogLevel.Warning);
        if (onCloudRun)
        {
            // Batched JSON lines on stdout (the console logger's write per line costs more than the request).
            builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ILoggerProvider, CloudLoggingProvider>());
            builder.Services.Configure<CloudLoggingFormatterOptions>(o => o.ProjectId = config["GOOGLE_CLOUD_PROJECT"]);
            ClosedGenerics.AddOptions<CloudLoggingFormatterOptions>(builder.Services);
        }
        else
        {
            // Plain text, batched the same way: locally the console logger's write per line would
            // make the gateway slower than on Cloud Run.
            builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ILoggerProvider, PlainTextLogProvider>(_ => new PlainTextLogProvider()));
        }

        return builder;
    }

    /// <summary>
    /// Runs the built function until it is stopped. A port that cannot be listened on (in use, or
    /// not allowed) is a clear one-line error and exit code 1, not an unhandled exception that
    /// aborts the process with a stack trace.
    /// </summary>
    public static async Task<int> RunAsync(WebApplication app, string name)
    {
        ArgumentNullException.ThrowIfNull(app);
        try
        {
            await app.RunAsync().ConfigureAwait(false);
            return 0;
        }
        catch (IOException e)
        {
            // RunAsync has disposed the app on its way out.
            await Console.Error.WriteLineAsync($"{name}: cannot listen: {e.Message}").ConfigureAwait(false);
            return 1;
        }
    }

    private static IPAddress ResolveAddress(string? bind, bool allInterfaces)
    {
        if (!string.IsNullOrEmpty(bind))
        {
            return bind switch
            {
                "any" or "Any" => IPAddress.Any,
                "loopback" or "Loopback" => IPAddress.Loopback,
                _ => IPAddress.TryParse(bind, out IPAddress? ip)
                    ? ip
                    : throw new InvalidOperationException($"PORTCULLIS_BIND must be 'any', 'loopback' or an IP address, not '{bind}'."),
            };
        }

        return allInterfaces ? IPAddress.Any : IPAddress.Loopback;
    }
}
