using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Yarp.ReverseProxy.Forwarder;

namespace Portcullis.BareProxy;

/// <summary>
/// A bare reverse proxy's whole request handling: every request forwarded to one origin with YARP's
/// <see cref="IHttpForwarder"/> over a plain <see cref="SocketsHttpHandler"/>, nothing checked. Shared by
/// bench/BareProxy (the Native AOT floor) and bench/Targets' <c>yarp</c> mode (the JIT peer of bench/run),
/// so the two baselines forward the same way. The app must have <c>AddHttpForwarder()</c>.
/// </summary>
public static class BareForwarding
{
    public static void Run(WebApplication app, string backend)
    {
        var invoker = new HttpMessageInvoker(new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
        });
        IHttpForwarder forwarder = app.Services.GetRequiredService<IHttpForwarder>();
        app.Run(async context => await forwarder.SendAsync(context, backend, invoker));
    }
}
