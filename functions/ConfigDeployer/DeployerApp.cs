using Portcullis.ConfigDeployer.Api;
using Portcullis.ConfigDeployer.Auth;
using Portcullis.ConfigDeployer.Deploying;
using Portcullis.GoogleCloud.Auth;
using Portcullis.GoogleCloud.Configs;
using Portcullis.Hosting;
using Portcullis.Hosting.Startup;

namespace Portcullis.ConfigDeployer;

/// <summary>Builds the ConfigDeployer function app. Used by <c>Program</c> and the tests.</summary>
public static class DeployerApp
{
    /// <summary>Builds the app from the environment and <c>--NAME value</c> arguments.</summary>
    public static WebApplication Build(string[] args)
    {
        WebApplicationBuilder builder = FunctionHost.CreateBuilder(args);
        DeployerOptions options = DeployerOptions.FromConfiguration(builder.Configuration);
        IServiceCollection services = builder.Services;
        services.AddRoutingCore();
        ClosedGenerics.AddLogger<Deployer>(services);
        services.AddSingleton(options);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<IAccessTokenSource, GoogleAccessTokenSource>();
        services.AddSingleton(sp => ConfigStores.Open(
            options.ConfigStore,
            () => ConfigStores.SecretManagerClient(options.SecretManagerUrl, sp.GetRequiredService<IAccessTokenSource>()),
            options.StorageUrl));
        services.AddSingleton<CallerVerifier>();
        services.AddSingleton<Deployer>();
        WebApplication app = builder.Build();
        DeployerEndpoints.Map(app);
        return app;
    }

    /// <summary>The function's entry point.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        WebApplication app;
        try
        {
            app = Build(args);
        }
        catch (InvalidOperationException e)
        {
            await Console.Error.WriteLineAsync("portcullis config deployer: " + e.Message).ConfigureAwait(false);
            return 1;
        }

        return await FunctionHost.RunAsync(app, "portcullis config deployer").ConfigureAwait(false);
    }
}
