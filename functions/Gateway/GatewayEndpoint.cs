using Microsoft.AspNetCore.Http.Features;
using Portcullis.Gateway.Cors;
using Portcullis.Gateway.Errors;
using Portcullis.Gateway.Forwarding;
using Portcullis.Gateway.Keys;
using Portcullis.Gateway.Quotas;
using Portcullis.PolicyEngine.Quotas;
using Portcullis.Gateway.Observability;
using Portcullis.Gateway.Sources;
using Portcullis.GoogleCloud.IdTokens;
using Portcullis.Hosting.Logging;
using Portcullis.PolicyEngine.Forwarding;
using QueryString = Portcullis.PolicyEngine.Http.QueryString;
using Portcullis.PolicyEngine.Keys;
using Portcullis.PolicyEngine.Policy;
using Portcullis.PolicyEngine.Routing;
using Yarp.ReverseProxy.Forwarder;

namespace Portcullis.Gateway;

/// <summary>
/// The gateway function: normalize → match → key check → forward with an ID token.
/// Cheap synchronous checks first; async only for the key source, the token and the backend.
/// </summary>
internal sealed class GatewayEndpoint(
    GatewaySources sources,
    IKeySource keys,
    IIdTokenSource tokens,
    BackendForwarder forwarder,
    IQuotaCounter quotas,
    TimeProvider time,
    GatewayOptions options,
    ILogger<GatewayEndpoint> logger)
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

        string rawTarget = context.Features.GetRequiredFeature<IHttpRequestFeature>().RawTarget;
        SplitTarget(rawTarget, out string rawPath, out string query);
        PathError pathError = PathNormalizer.TryNormalize(rawPath, out string path);
        if (pathError != PathError.None)
        {
            return new(ErrorResponses.WriteAsync(context, pathError switch
            {
                PathError.Fragment => GatewayError.PathFragment,
                PathError.TooLong => GatewayError.PathTooLong,
                PathError.MalformedEscape => GatewayError.PathMalformedEscape,
                PathError.NotAbsolute => GatewayError.PathNotAbsolute,
                _ => GatewayError.PathInvalidCharacter,
            }));
        }

        RouteMatch match = policy.Routes.TryMatch(context.Request.Method, path);
        if (options.Cors is { } cors)
        {
            if (HttpMethods.IsOptions(context.Request.Method) && match.Outcome != RouteOutcome.NoRoute)
            {
                // Gateway-answered preflight: no key, never forwarded.
                return cors.TryAnswerPreflight(context, policy.KeyHeaderNames)
                    ? ValueTask.CompletedTask
                    : new(ErrorResponses.WriteAsync(context, StatusCodes.Status400BadRequest, CorsPolicy.PreflightRefused));
            }

            cors.OnActualRequest(context);
        }

        if (match.Outcome != RouteOutcome.Matched)
        {
            return new(match.Outcome == RouteOutcome.MethodNotAllowed
                ? ErrorResponses.WriteAsync(context, GatewayError.MethodNotAllowed, match.Template?.Text)
                : ErrorResponses.WriteAsync(context, GatewayError.NoRoute));
        }

        ApiOperation operation = match.Operation!;
        facts.OperationId = operation.OperationId;

        string? key = null;
        if (operation.KeyRequirement != KeyRequirement.None)
        {
            key = KeyExtractor.Extract(operation.KeyLocations, query, new HeaderSource(context.Request.Headers));
            if (key is null && operation.KeyRequirement == KeyRequirement.Required)
            {
                return new(ErrorResponses.WriteAsync(context, GatewayError.MissingKey));
            }
        }

        // The key never travels on: every API-key location of this API is removed.
        string forwardedQuery = policy.KeyQueryNames.Count == 0 ? query : QueryString.Remove(query, policy.IsKeyQueryName);
        string target = PathTranslator.Translate(match, forwardedQuery);
        return CheckAndForwardAsync(context, policy, operation, key, target, facts);
    }

    private async ValueTask CheckAndForwardAsync(HttpContext context, ApiPolicy policy, ApiOperation operation, string? key, string target, RequestFacts facts)
    {
        KeyRecord? record = null;
        KeySourceResult result = default;
        if (key is not null)
        {
            result = await keys.CheckAsync(key, operation, context, context.RequestAborted).ConfigureAwait(false);
            if (result.Verified && options.KeysMode == KeysMode.ServiceControl)
            {
                facts.ServiceControlConsumer = "api_key:" + key;
            }

            if (result.Status != 0)
            {
                await ErrorResponses.WriteAsync(context, result.Status, result.Message!).ConfigureAwait(false);
                return;
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
                await ErrorResponses.WriteAsync(context, error).ConfigureAwait(false);
                return;
            }

            record = check.Record;
            facts.KeyId = record?.Id;
        }

        // Quota after the key (a refused key costs nothing), before the backend.
        string consumer = record is not null ? "consumer:" + record.Consumer
            : result.ConsumerNumber is { } project ? "project:" + project
            : "anonymous";
        facts.Consumer = consumer;
        QuotaCharge[] charges = QuotaPlan.For(policy, operation, consumer, record);
        if (charges.Length > 0)
        {
            string selector = PolicyEngine.ServiceControl.CheckErrorMapping.Selector(sources.ServiceName, operation.OperationId);
            QuotaDecision decision = await quotas.ConsumeAsync(charges, time.GetUtcNow(), selector, context.RequestAborted).ConfigureAwait(false);
            QuotaHeaders.Apply(context.Response, decision);
            if (!decision.Allowed)
            {
                QuotaCharge exhausted = decision.Exhausted!.Value;
                await ErrorResponses.WriteAsync(
                    context,
                    429,
                    $"RESOURCE_EXHAUSTED: Quota exceeded for quota metric '{exhausted.Limit.Metric}' and limit '{exhausted.Limit.Name}' ({exhausted.Allowed} per minute) of service '{sources.ServiceName}' for consumer '{exhausted.Scope}'.").ConfigureAwait(false);
                return;
            }
        }

        string? idToken = null;
        BackendRule backend = operation.Backend;
        if (options.BackendAuth && !backend.DisableAuth)
        {
            try
            {
                idToken = await tokens.GetTokenAsync(backend.JwtAudience!, context.RequestAborted).ConfigureAwait(false);
            }
            catch (IdTokenUnavailableException e)
            {
                // Never forward unauthenticated: the backend would refuse it, or worse, accept it.
                GatewayLog.TokenUnavailable(logger, e.Audience, e);
                await ErrorResponses.WriteAsync(context, GatewayError.TokenUnavailable).ConfigureAwait(false);
                return;
            }
        }

        var state = new ForwardingState(policy, backend, target, idToken, record, result.ConsumerType, result.ConsumerNumber);
        ForwarderError forwarded = await forwarder.SendAsync(context, state).ConfigureAwait(false);
        if (forwarded != ForwarderError.None)
        {
            await OnForwardErrorAsync(context, operation, forwarded).ConfigureAwait(false);
        }
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

    private Task OnForwardErrorAsync(HttpContext context, ApiOperation operation, ForwarderError result)
    {
        // Only the client's own abort is the client's doing: a ResponseBodyCanceled without it is a
        // backend that stalled mid-body past its deadline, and must show in the logs.
        if (context.RequestAborted.IsCancellationRequested)
        {
            GatewayLog.ClientAborted(logger, operation.OperationId);
            return Task.CompletedTask;
        }

        Exception? exception = context.Features.Get<IForwarderErrorFeature>()?.Exception;
        GatewayLog.BackendFailed(logger, operation.Backend.Origin, operation.OperationId, result.ToString(), exception);
        if (context.Response.HasStarted)
        {
            // Mid-body: YARP has already aborted the client's connection; nothing more can be said.
            return Task.CompletedTask;
        }

        return ErrorResponses.WriteAsync(context, BackendFailure.Classify(result, exception));
    }

    private static void SplitTarget(string rawTarget, out string path, out string query)
    {
        // Absolute-form (RFC 9112 §3.2.2): drop scheme and authority, keep the raw path.
        if (rawTarget.Length > 0 && rawTarget[0] != '/')
        {
            int scheme = rawTarget.IndexOf("://", StringComparison.Ordinal);
            if (scheme > 0)
            {
                int slash = rawTarget.IndexOf('/', scheme + 3);
                rawTarget = slash < 0 ? "/" : rawTarget[slash..];
            }
        }

        int q = rawTarget.IndexOf('?', StringComparison.Ordinal);
        path = q < 0 ? rawTarget : rawTarget[..q];
        query = q < 0 ? string.Empty : rawTarget[q..];
    }
}
