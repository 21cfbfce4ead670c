using Portcullis.Gateway.Errors;
using Yarp.ReverseProxy.Forwarder;

namespace Portcullis.Gateway.Forwarding;

/// <summary>
/// Which error a failed forward becomes, as Envoy (ESPv2) tells them apart (router.cc
/// <c>onUpstreamReset</c>): a protocol error from the backend is 502, any other connect failure or
/// reset before the response headers is 503, a deadline is 504.
/// </summary>
internal static class BackendFailure
{
    public static GatewayError Classify(ForwarderError error, Exception? exception)
    {
        if (error == ForwarderError.RequestTimedOut)
        {
            return GatewayError.BackendTimeout;
        }

        HttpRequestException? request = exception as HttpRequestException ?? exception?.InnerException as HttpRequestException;
        return request?.HttpRequestError switch
        {
            HttpRequestError.InvalidResponse
                or HttpRequestError.HttpProtocolError
                or HttpRequestError.ConfigurationLimitExceeded
                or HttpRequestError.VersionNegotiationError => GatewayError.BackendProtocolError,

            // Connected, then the backend closed or reset the connection before any response header.
            HttpRequestError.ResponseEnded => GatewayError.BackendConnectionTerminated,
            HttpRequestError.Unknown when request.InnerException is IOException => GatewayError.BackendConnectionTerminated,
            _ => GatewayError.BackendUnreachable,
        };
    }
}
