using Portcullis.Gateway.Sources;
using Portcullis.GoogleCloud.Auth;
using Portcullis.GoogleCloud.IdTokens;
using Portcullis.PolicyEngine.Policy;

namespace Portcullis.Gateway.Forwarding;

/// <summary>
/// Starts, as the gateway starts, what its first request would otherwise wait for: the ID token of
/// every backend audience of the loaded config (credential discovery and a metadata server round trip
/// each) and, with Service Control, the access token its check needs. The fetches run while the listener
/// comes up; the sources cache what they get (one <c>OidcToken</c> per audience) and a request that
/// arrives first joins the fetch in flight. A failure is not cached: the request tries again and
/// answers 503 as before.
/// </summary>
internal static class TokenPrefetch
{
    public static void Start(IServiceProvider services)
    {
        var options = services.GetRequiredService<GatewayOptions>();
        ILogger logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("Portcullis.Gateway");
        if (options.BackendAuth && services.GetRequiredService<GatewaySources>().Config.Target.Current is { } policy)
        {
            var tokens = services.GetRequiredService<IIdTokenSource>();
            foreach (string audience in Audiences(policy))
            {
                _ = IdTokenAsync(tokens, audience, logger);
            }
        }

        if (options.KeysMode == KeysMode.ServiceControl)
        {
            _ = AccessTokenAsync(services.GetRequiredService<IAccessTokenSource>(), logger);
        }
    }

    private static HashSet<string> Audiences(ApiPolicy policy)
    {
        var audiences = new HashSet<string>(StringComparer.Ordinal);
        foreach (ApiOperation operation in policy.Operations)
        {
            if (operation.Backend is { DisableAuth: false, JwtAudience: { } audience })
            {
                audiences.Add(audience);
            }
        }

        return audiences;
    }

    private static async Task IdTokenAsync(IIdTokenSource tokens, string audience, ILogger logger)
    {
        try
        {
            await tokens.GetTokenAsync(audience, CancellationToken.None).ConfigureAwait(false);
        }
        catch (IdTokenUnavailableException e)
        {
            GatewayLog.PrefetchFailed(logger, audience, e.Message);
        }
    }

    private static async Task AccessTokenAsync(IAccessTokenSource tokens, ILogger logger)
    {
        try
        {
            await tokens.GetAccessTokenAsync(CancellationToken.None).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Any failure: the first Service Control call fetches again and handles it.
        catch (Exception e)
#pragma warning restore CA1031
        {
            GatewayLog.PrefetchFailed(logger, "access token", e.Message);
        }
    }
}
