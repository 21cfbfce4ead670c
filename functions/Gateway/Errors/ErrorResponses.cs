using System.Text.Json;
using Portcullis.PolicyEngine.Routing;

namespace Portcullis.Gateway.Errors;

/// <summary>
/// The one place a <see cref="GatewayError"/> becomes an HTTP status and an ESPv2-shaped JSON body
/// (espv2-behaviour.md §1.4, §1.5, §4.2, §4.5, §5).
/// </summary>
internal static class ErrorResponses
{
    // ESPv2 writes quotes and apostrophes as they are; the default encoder would escape them.
    private static readonly GatewayJsonContext s_json = new(new System.Text.Json.JsonSerializerOptions
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });

    public const string MissingKeyMessage =
        "UNAUTHENTICATED: Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.";

    public static (int Status, string Message) Describe(GatewayError error, string? template = null) => error switch
    {
        GatewayError.PathFragment => (400, "Path cannot contain fragment identifier (#)"),
        GatewayError.PathTooLong => (400, $"Path is too long, max allowed size is {PathNormalizer.MaxPathLength}."),
        GatewayError.PathInvalidCharacter => (400, "INVALID_ARGUMENT: Path contains a character that is not allowed in a URL path."),
        GatewayError.PathMalformedEscape => (400, "INVALID_ARGUMENT: Path contains a malformed or disallowed percent-encoding."),
        GatewayError.PathNotAbsolute => (400, "INVALID_ARGUMENT: Request target must be an absolute path."),
        GatewayError.HeaderNameWithUnderscore => (400, "INVALID_ARGUMENT: Header names with underscores are not allowed."),
        GatewayError.ContentLengthWithTransferEncoding => (400, "INVALID_ARGUMENT: A request must not carry both Content-Length and Transfer-Encoding."),
        GatewayError.NoRoute => (404, "The current request is not defined by this API."),
        GatewayError.MethodNotAllowed => (405, $"The current request is matched to the defined url template \"{template}\" but its http method is not allowed"),
        GatewayError.MissingKey => (401, MissingKeyMessage),
        GatewayError.InvalidKey => (400, "INVALID_ARGUMENT: API key not valid. Please pass a valid API key."),
        GatewayError.ExpiredKey => (400, "INVALID_ARGUMENT: API key expired. Please renew the API key."),
        GatewayError.IpAddressBlocked => (403, "PERMISSION_DENIED: IP address blocked."),
        GatewayError.RefererBlocked => (403, "PERMISSION_DENIED: Referer blocked."),
        GatewayError.OperationBlocked => (403, "PERMISSION_DENIED: The API targeted by this request is invalid for the given API key."),
        GatewayError.KeySourceUnavailable => (503, "UNAVAILABLE: The API key could not be checked. Please retry."),
        GatewayError.TokenUnavailable => (503, "UNAVAILABLE: Token not found for the backend audience."),
        GatewayError.BackendTimeout => (504, "upstream request timeout"),
        GatewayError.BackendUnreachable => (503, "upstream connect error or disconnect/reset before headers. reset reason: connection failure"),
        GatewayError.BackendConnectionTerminated => (503, "upstream connect error or disconnect/reset before headers. reset reason: connection termination"),
        GatewayError.BackendProtocolError => (502, "upstream connect error or disconnect/reset before headers. reset reason: protocol error"),
        _ => (500, "INTERNAL: Unexpected gateway error."),
    };

    public static Task WriteAsync(HttpContext context, GatewayError error, string? template = null)
    {
        (int status, string message) = Describe(error, template);
        return WriteAsync(context, status, message);
    }

    /// <summary>Writes an error whose status and message were decided elsewhere (Service Control's table).</summary>
    public static Task WriteAsync(HttpContext context, int status, string message, string? wwwAuthenticate = null)
    {
        HttpResponse response = context.Response;
        if (response.HasStarted)
        {
            return Task.CompletedTask;
        }

        // Clear drops headers; the quota headers (and Retry-After) must survive a 429.
        Microsoft.Extensions.Primitives.StringValues limit = response.Headers["RateLimit-Limit"];
        Microsoft.Extensions.Primitives.StringValues remaining = response.Headers["RateLimit-Remaining"];
        Microsoft.Extensions.Primitives.StringValues reset = response.Headers["RateLimit-Reset"];
        Microsoft.Extensions.Primitives.StringValues retryAfter = response.Headers.RetryAfter;
        response.Clear();
        if (limit.Count > 0)
        {
            response.Headers["RateLimit-Limit"] = limit;
            response.Headers["RateLimit-Remaining"] = remaining;
            response.Headers["RateLimit-Reset"] = reset;
        }

        if (retryAfter.Count > 0)
        {
            response.Headers.RetryAfter = retryAfter;
        }

        if (wwwAuthenticate is not null)
        {
            response.Headers.WWWAuthenticate = wwwAuthenticate;
        }

        response.StatusCode = status;
        response.ContentType = "application/json";
        return JsonSerializer.SerializeAsync(response.Body, new ErrorBody(status, message), s_json.ErrorBody, context.RequestAborted);
    }
}
