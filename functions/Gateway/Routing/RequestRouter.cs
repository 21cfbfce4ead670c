using Microsoft.AspNetCore.Http.Features;
using Portcullis.Gateway.Errors;
using Portcullis.PolicyEngine.Policy;
using Portcullis.PolicyEngine.Routing;

namespace Portcullis.Gateway.Routing;

/// <summary>
/// The pipeline's first step: normalize the raw path (the matched path is the forwarded path)
/// and match it in the config's route table. A malformed path is refused here with 400.
/// </summary>
internal static class RequestRouter
{
    public static GatewayError? Route(HttpContext context, ApiPolicy policy, out RouteMatch match, out string query)
    {
        string rawTarget = context.Features.GetRequiredFeature<IHttpRequestFeature>().RawTarget;
        SplitTarget(rawTarget, out string rawPath, out query);
        PathError pathError = PathNormalizer.TryNormalize(rawPath, out string path);
        if (pathError != PathError.None)
        {
            match = default;
            return pathError switch
            {
                PathError.Fragment => GatewayError.PathFragment,
                PathError.TooLong => GatewayError.PathTooLong,
                PathError.MalformedEscape => GatewayError.PathMalformedEscape,
                PathError.NotAbsolute => GatewayError.PathNotAbsolute,
                _ => GatewayError.PathInvalidCharacter,
            };
        }

        match = policy.Routes.TryMatch(context.Request.Method, path);
        return null;
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
