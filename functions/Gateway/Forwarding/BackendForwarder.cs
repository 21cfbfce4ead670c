using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Portcullis.PolicyEngine.Policy;
using Yarp.ReverseProxy.Forwarder;

namespace Portcullis.Gateway.Forwarding;

/// <summary>
/// Sends a checked request to its backend through YARP's <see cref="IHttpForwarder"/> over one
/// long-lived <see cref="HttpMessageInvoker"/> (YARP refuses an HttpClient: it buffers).
/// </summary>
internal sealed class BackendForwarder : IDisposable
{
    private readonly IHttpForwarder _forwarder;
    private readonly HttpMessageInvoker _invoker;
    private readonly ConcurrentDictionary<BackendRule, ForwarderRequestConfig> _configs = new(ReferenceEqualityComparer.Instance);

    public BackendForwarder(IHttpForwarder forwarder)
    {
        _forwarder = forwarder;
        _invoker = new HttpMessageInvoker(new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            EnableMultipleHttp2Connections = true,
            ActivityHeadersPropagator = new ReverseProxyPropagator(DistributedContextPropagator.Current),
            ConnectTimeout = TimeSpan.FromSeconds(10),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(60),
        });
    }

    public ValueTask<ForwarderError> SendAsync(HttpContext context, ForwardingState state)
    {
        ForwarderRequestConfig config = _configs.GetOrAdd(state.Backend, static backend => new ForwarderRequestConfig
        {
            // ESPv2's route timeout: no byte from the backend within the deadline → 504.
            ActivityTimeout = backend.Deadline,
            Version = backend.Protocol switch
            {
                BackendProtocol.Http2 => HttpVersion.Version20,
                _ => HttpVersion.Version11,
            },
            VersionPolicy = backend.Protocol == BackendProtocol.Auto && backend.Address.Scheme == Uri.UriSchemeHttps
                ? HttpVersionPolicy.RequestVersionOrHigher
                : HttpVersionPolicy.RequestVersionExact,
        });

        context.Features.Set(state);
        return _forwarder.SendAsync(context, state.Backend.Origin, _invoker, config, GatewayTransformer.Instance);
    }

    public void Dispose() => _invoker.Dispose();
}
