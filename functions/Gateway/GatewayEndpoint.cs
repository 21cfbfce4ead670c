using Portcullis.Gateway.Authentication;
using Portcullis.Gateway.Cors;
using Portcullis.Gateway.Errors;
using Portcullis.Gateway.Forwarding;
using Portcullis.Gateway.Observability;
using Portcullis.Gateway.Quotas;
using Portcullis.Gateway.Routing;
using Portcullis.Gateway.Sources;
using Portcullis.PolicyEngine.Forwarding;
using Portcullis.PolicyEngine.Policy;
using Portcullis.PolicyEngine.Routing;
using QueryString = Portcullis.PolicyEngine.Http.QueryString;

namespace Portcullis.Gateway;

/// <summary>
/// The gateway function, composed of its steps in ESPv2's order: guard → normalize and route
/// (<see cref="RequestRouter"/>) → CORS (<see cref="CorsStep"/>) → 404/405 → authenticate
/// (<see cref="Authenticator"/>: JWT, then API key) → quota (<see cref="QuotaStep"/>) → forward
/// with an ID token (<see cref="ForwardStep"/>). Cheap synchronous checks first; async only for
/// the key source, the issuer's keys, the quota store, the token and the backend.
/// </summary>
internal sealed class GatewayEndpoint(
    GatewaySources sources,
    Authenticator authenticator,
    QuotaStep quota,
    ForwardStep forward,
    GatewayOptions options)
{
    /// <summary>Answers one request; <paramref name="facts"/> collects what the request log line reports.</summary>
    public ValueTask HandleAsync(HttpContext context, RequestFacts facts)
    {
        if (RequestGuards.Check(context.Request) is { } refused)
        {
            return new(RequestGuards.RefuseAsync(context, refused));
        }

        ApiPolicy policy = sources.Config.Target.Current
            ?? throw new InvalidOperationException("The gateway started without a config.");

        if (RequestRouter.Route(context, policy, out RouteMatch match, out string query) is { } badPath)
        {
            return new(ErrorResponses.WriteAsync(context, badPath));
        }

        if (CorsStep.TryAnswer(context, options.Cors, policy, match) is { } preflight)
        {
            return new(preflight);
        }

        if (match.Outcome != RouteOutcome.Matched)
        {
            return new(match.Outcome == RouteOutcome.MethodNotAllowed
                ? ErrorResponses.WriteAsync(context, GatewayError.MethodNotAllowed, match.Template?.Text)
                : ErrorResponses.WriteAsync(context, GatewayError.NoRoute));
        }

        ApiOperation operation = match.Operation!;
        facts.OperationId = operation.OperationId;
        ValueTask<AuthOutcome> authenticating = authenticator.AuthenticateAsync(context, operation, query, facts);
        if (authenticating.IsCompletedSuccessfully && !authenticating.Result.Allowed)
        {
            return new(AuthRefusal.WriteAsync(context, authenticating.Result));
        }

        // The key never travels on: every API-key location of this API is removed.
        string forwardedQuery = policy.KeyQueryNames.Count == 0 ? query : QueryString.Remove(query, policy.IsKeyQueryName);
        string target = PathTranslator.Translate(match, forwardedQuery);
        return ContinueAsync(context, policy, operation, authenticating, target, facts);
    }

    private async ValueTask ContinueAsync(HttpContext context, ApiPolicy policy, ApiOperation operation, ValueTask<AuthOutcome> authenticating, string target, RequestFacts facts)
    {
        AuthOutcome auth = await authenticating.ConfigureAwait(false);
        if (!auth.Allowed)
        {
            await AuthRefusal.WriteAsync(context, auth).ConfigureAwait(false);
            return;
        }

        if (await quota.TryChargeAsync(context, policy, operation, auth, facts).ConfigureAwait(false))
        {
            await forward.ForwardAsync(context, policy, operation, target, auth).ConfigureAwait(false);
        }
    }
}
