using Portcullis.Gateway.Errors;
using Portcullis.Gateway.Keys;
using Portcullis.Gateway.Observability;
using Portcullis.PolicyEngine.Keys;
using Portcullis.PolicyEngine.Policy;

namespace Portcullis.Gateway.Authentication;

/// <summary>
/// The pipeline's authentication step: evaluates an operation's <see cref="AuthRequirement"/>.
/// JWTs are checked first (ESPv2's filter order: jwt_authn before service_control), then the API
/// key. Every credential the request carries for the operation's schemes must verify, and at
/// least one alternative must be met; so with key OR JWT, a request carrying both passes only if
/// both are good (a bad credential is never silently ignored). Key-only operations take the
/// synchronous path they always had: no allocation, no JWT work.
/// </summary>
internal sealed class Authenticator(IKeySource keys, JwtVerifier jwts, GatewayOptions options, ILogger<Authenticator> logger)
{
    public ValueTask<AuthOutcome> AuthenticateAsync(HttpContext context, ApiOperation operation, string query, RequestFacts facts)
    {
        AuthRequirement requirement = operation.Authentication;
        if (requirement.ChecksNothing)
        {
            return new(AuthOutcome.Anonymous);
        }

        if (requirement.Providers.Count == 0)
        {
            string? key = KeyExtractor.Extract(operation.KeyLocations, query, new HeaderSource(context.Request.Headers));
            if (key is null)
            {
                return new(requirement.AllowsAnonymous ? AuthOutcome.Anonymous : new AuthOutcome { Error = GatewayError.MissingKey });
            }

            return CheckKeyAsync(context, operation, key, null, null, facts);
        }

        return WithJwtAsync(context, operation, query, facts);
    }

    private async ValueTask<AuthOutcome> WithJwtAsync(HttpContext context, ApiOperation operation, string query, RequestFacts facts)
    {
        AuthRequirement requirement = operation.Authentication;
        (JwtProvider? provider, JwtClaims? claims, JwtFailure failure) = await VerifyJwtsAsync(context, requirement, query, context.RequestAborted).ConfigureAwait(false);
        if (provider is null && failure.Rank > 0)
        {
            GatewayLog.JwtRefused(logger, operation.OperationId, failure.Status, failure.Message);
            return new AuthOutcome { Jwt = failure };
        }

        if (provider is null && requirement.AlwaysNeedsJwt && !requirement.AllowsAnonymous)
        {
            return new AuthOutcome { Jwt = JwtFailure.Missing };
        }

        string? key = requirement.UsesKey
            ? KeyExtractor.Extract(operation.KeyLocations, query, new HeaderSource(context.Request.Headers))
            : null;
        if (key is not null)
        {
            return await CheckKeyAsync(context, operation, key, provider, claims, facts).ConfigureAwait(false);
        }

        return Decide(requirement, provider, claims, keyVerified: false, default, facts);
    }

    private static AuthOutcome Decide(AuthRequirement requirement, JwtProvider? provider, JwtClaims? claims, bool keyVerified, KeySourceResult result, RequestFacts facts)
    {
        if (!requirement.IsSatisfied(provider, keyVerified))
        {
            // Only a missing credential can get here: a bad one was refused when it was checked.
            return provider is null && !requirement.HasKeyOnlyAlternative
                ? new AuthOutcome { Jwt = JwtFailure.Missing }
                : new AuthOutcome { Error = GatewayError.MissingKey };
        }

        if (provider is not null && claims is not null)
        {
            facts.Jwt = (provider, claims);
        }

        return new AuthOutcome { Key = result.Check.Record, KeyResult = result, Provider = provider, Claims = claims };
    }

    private async ValueTask<AuthOutcome> CheckKeyAsync(HttpContext context, ApiOperation operation, string key, JwtProvider? provider, JwtClaims? claims, RequestFacts facts)
    {
        KeySourceResult result = await keys.CheckAsync(key, operation, context, context.RequestAborted).ConfigureAwait(false);
        if (result.Verified && options.KeysMode == KeysMode.ServiceControl)
        {
            facts.ServiceControlConsumer = "api_key:" + key;
        }

        if (result.Status != 0)
        {
            return new AuthOutcome { Status = result.Status, Message = result.Message };
        }

        KeyCheck check = result.Check;
        GatewayError? refusal = check.Verdict switch
        {
            KeyVerdict.Valid when check.Record is { } r => Restrict(context, r, operation),
            KeyVerdict.Valid => null,
            KeyVerdict.Expired => GatewayError.ExpiredKey,
            KeyVerdict.Unavailable => GatewayError.KeySourceUnavailable,
            _ => GatewayError.InvalidKey,
        };
        if (refusal is { } error)
        {
            GatewayLog.KeyRefused(logger, check.Record?.Id ?? "unknown", operation.OperationId, check.Verdict.ToString());
            return new AuthOutcome { Error = error };
        }

        facts.KeyId = check.Record?.Id;
        return Decide(operation.Authentication, provider, claims, keyVerified: true, result, facts);
    }

    /// <summary>
    /// Envoy's <c>requires_any</c>: each provider extracts its tokens and every one must verify;
    /// the first provider that passes wins. Otherwise the most telling failure is reported.
    /// </summary>
    private async ValueTask<(JwtProvider? Provider, JwtClaims? Claims, JwtFailure Failure)> VerifyJwtsAsync(
        HttpContext context,
        AuthRequirement requirement,
        string query,
        CancellationToken cancellationToken)
    {
        JwtFailure worst = JwtFailure.Missing;
        var tokens = new List<string>(2);
        foreach (JwtProvider provider in requirement.Providers)
        {
            tokens.Clear();
            TokenExtractor.Extract(provider, context.Request.Headers, query, tokens);
            if (tokens.Count == 0)
            {
                continue;
            }

            JwtClaims? first = null;
            JwtFailure? failed = null;
            foreach (string token in tokens)
            {
                (JwtClaims? claims, JwtFailure failure) = await jwts.VerifyAsync(provider, token, cancellationToken).ConfigureAwait(false);
                if (claims is null)
                {
                    failed = failure;
                    break;
                }

                first ??= claims;
            }

            if (failed is null)
            {
                return (provider, first, default);
            }

            if (failed.Value.Rank > worst.Rank)
            {
                worst = failed.Value;
            }
        }

        return (null, null, worst);
    }

    private GatewayError? Restrict(HttpContext context, KeyRecord record, ApiOperation operation)
    {
        System.Net.IPAddress? client = record.AllowedNetworks is null
            ? null
            : ClientAddress.Resolve(context.Request.Headers["X-Forwarded-For"], context.Connection.RemoteIpAddress, options.TrustedHops);
        return record.CheckRestrictions(client, context.Request.Headers.Referer, operation.OperationId) switch
        {
            KeyRefusal.IpAddressBlocked => GatewayError.IpAddressBlocked,
            KeyRefusal.RefererBlocked => GatewayError.RefererBlocked,
            KeyRefusal.OperationBlocked => GatewayError.OperationBlocked,
            _ => null,
        };
    }
}
