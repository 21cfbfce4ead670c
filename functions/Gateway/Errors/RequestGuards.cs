using Microsoft.Extensions.Primitives;

namespace Portcullis.Gateway.Errors;

/// <summary>
/// Refusals on the shape of the request itself, before the path is looked at: what Kestrel accepts
/// but ESPv2 (Envoy) refuses, and what a proxy must never pass on.
/// </summary>
internal static class RequestGuards
{
    private const string KestrelMovedContentLength = "X-Content-Length";

    /// <summary>The refusal for <paramref name="request"/>, or null when it may go on.</summary>
    public static GatewayError? Check(HttpRequest request)
    {
        IHeaderDictionary headers = request.Headers;

        // RFC 9112 §6.1: a request with both is a smuggling attempt (a front end that frames by
        // Content-Length and one that frames by chunks disagree on where the next request starts).
        // Kestrel follows Transfer-Encoding, renames Content-Length to X-Content-Length and would let
        // the request through to the backend; refuse it instead, as Envoy does.
        if (!StringValues.IsNullOrEmpty(headers.TransferEncoding)
            && (headers.ContentLength.HasValue || headers.ContainsKey(KestrelMovedContentLength)))
        {
            return GatewayError.ContentLengthWithTransferEncoding;
        }

        // ESPv2 runs Envoy with headers_with_underscores_action REJECT_REQUEST: a CGI-style backend
        // reads x_api_key and x-api-key as the same variable, so one could be checked and the other used.
        foreach (KeyValuePair<string, StringValues> header in headers)
        {
            if (header.Key.Contains('_', StringComparison.Ordinal))
            {
                return GatewayError.HeaderNameWithUnderscore;
            }
        }

        return null;
    }

    /// <summary>Answers the refusal; a framing refusal also closes the connection, whose next bytes cannot be trusted.</summary>
    public static Task RefuseAsync(HttpContext context, GatewayError error)
    {
        if (error == GatewayError.ContentLengthWithTransferEncoding)
        {
            // OnStarting, because ErrorResponses clears the headers before it writes.
            context.Response.OnStarting(static state =>
            {
                ((HttpResponse)state).Headers.Connection = "close";
                return Task.CompletedTask;
            }, context.Response);
        }

        return ErrorResponses.WriteAsync(context, error);
    }
}
