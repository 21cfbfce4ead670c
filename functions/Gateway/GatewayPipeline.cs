using Portcullis.Gateway.Authentication;
using Portcullis.Gateway.Forwarding;
using Portcullis.Gateway.Quotas;
using Portcullis.PolicyEngine.Policy;

namespace Portcullis.Gateway;

/// <summary>Registers the request pipeline's steps (<see cref="GatewayEndpoint"/> composes them) and the caller-JWT machinery.</summary>
internal static class GatewayPipeline
{
    public static void Add(IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(JwtOptions.FromConfiguration(configuration));
        services.AddSingleton(sp => JwksHttp.Create(sp.GetRequiredService<JwtOptions>()));
        services.AddSingleton<JwksCache>();
        services.AddSingleton<JwtVerifier>();
        services.AddHostedService<JwksRefresher>();
        services.AddSingleton<Authenticator>();
        services.AddSingleton<QuotaStep>();
        services.AddSingleton<ForwardStep>();
        services.AddSingleton<GatewayEndpoint>();
    }

    /// <summary>
    /// Starts fetching every JWT issuer's keys as the gateway starts, without holding up the
    /// listener (Envoy's listener waits for the first fetch; on a serverless cold start that is a
    /// round trip to the issuer before any request, JWT or not, is served). A request that needs the
    /// keys before the fetch ends joins it; a failure is logged, and those calls answer 401 until a
    /// fetch succeeds.
    /// </summary>
    public static void LoadIssuerKeys(IServiceProvider services, ApiPolicy? policy)
    {
        if (policy is { JwtProviders.Count: > 0 })
        {
            _ = services.GetRequiredService<JwksCache>().LoadAsync(policy.JwtProviders, CancellationToken.None);
        }
    }
}
