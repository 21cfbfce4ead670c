using Microsoft.AspNetCore.Http.Features;
using Portcullis.Gateway.Authentication;
using Portcullis.Gateway.Errors;
using Portcullis.GoogleCloud.IdTokens;
using Portcullis.PolicyEngine.Policy;
using Yarp.ReverseProxy.Forwarder;

namespace Portcullis.Gateway.Forwarding;

/// <summary>
/// The pipeline's last step: an ID token for the backend's audience (never forwarded without
/// one), then YARP sends the request; a backend failure becomes ESPv2's 502/503/504.
/// </summary>
internal sealed class ForwardStep(IIdTokenSource tokens, BackendForwarder forwarder, GatewayOptions options, ILogger<ForwardStep> logger)
{
    public async Task ForwardAsync(HttpContext context, ApiPolicy policy, ApiOperation operation, string target, AuthOutcome auth)
    {
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

        var state = new ForwardingState(policy, backend, target, idToken, auth.Key, auth.KeyResult.ConsumerType, auth.KeyResult.ConsumerNumber, auth.Claims?.PayloadSegment);
        ForwarderError forwarded = await forwarder.SendAsync(context, state).ConfigureAwait(false);
        if (forwarded != ForwarderError.None)
        {
            await OnForwardErrorAsync(context, operation, forwarded).ConfigureAwait(false);
        }
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
}
