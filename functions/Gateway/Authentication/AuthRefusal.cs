using Portcullis.Gateway.Errors;

namespace Portcullis.Gateway.Authentication;

/// <summary>Writes a refused <see cref="AuthOutcome"/>: the gateway's table, the key source's, or Envoy's JWT answer.</summary>
internal static class AuthRefusal
{
    private const int RealmMaxPath = 256;

    public static Task WriteAsync(HttpContext context, AuthOutcome outcome)
    {
        if (outcome.Jwt is { } jwt)
        {
            return ErrorResponses.WriteAsync(context, jwt.Status, jwt.Message, Challenge(context.Request, jwt));
        }

        return outcome.Error is { } error
            ? ErrorResponses.WriteAsync(context, error)
            : ErrorResponses.WriteAsync(context, outcome.Status, outcome.Message!);
    }

    /// <summary>
    /// Envoy's <c>WWW-Authenticate</c> (jwt_authn <c>filter.cc</c>): <c>Bearer realm="URL"</c>, the
    /// path cut at 256 characters, with <c>, error="invalid_token"</c> for every failure but a missing token.
    /// </summary>
    public static string Challenge(HttpRequest request, JwtFailure failure)
    {
        string target = request.HttpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()?.RawTarget ?? request.Path.Value ?? "/";
        if (target.Length > RealmMaxPath)
        {
            target = target[..RealmMaxPath];
        }

        string realm = $"Bearer realm=\"{request.Scheme}://{request.Host.Value}{target}\"";
        return failure.Message == JwtMessages.Missing ? realm : realm + ", error=\"invalid_token\"";
    }
}
