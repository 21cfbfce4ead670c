using Portcullis.Gateway.Errors;
using Portcullis.PolicyEngine.Policy;
using Portcullis.PolicyEngine.Routing;

namespace Portcullis.Gateway.Cors;

/// <summary>
/// The pipeline's CORS step (gateway-answered mode only): a preflight on a path of the API is
/// answered here — before authentication, so it never needs a key or a JWT — and every other
/// response to an allowed origin gets the CORS headers, refusals included.
/// </summary>
internal static class CorsStep
{
    /// <summary>The preflight's answer when this request was one; null to go on.</summary>
    public static Task? TryAnswer(HttpContext context, CorsPolicy? cors, ApiPolicy policy, in RouteMatch match)
    {
        if (cors is null)
        {
            return null;
        }

        if (HttpMethods.IsOptions(context.Request.Method) && match.Outcome != RouteOutcome.NoRoute)
        {
            return cors.TryAnswerPreflight(context, policy.KeyHeaderNames)
                ? Task.CompletedTask
                : ErrorResponses.WriteAsync(context, StatusCodes.Status400BadRequest, CorsPolicy.PreflightRefused);
        }

        cors.OnActualRequest(context);
        return null;
    }
}
