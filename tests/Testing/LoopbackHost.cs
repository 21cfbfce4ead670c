using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Portcullis.Testing;

/// <summary>Starts a Kestrel app on 127.0.0.1 on a free port: the base of every fake.</summary>
internal static class LoopbackHost
{
    public static async Task<(WebApplication App, Uri Address)> StartAsync(RequestDelegate handler, bool http2Cleartext = false)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestLineSize = 64 * 1024;
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = http2Cleartext ? HttpProtocols.Http2 : HttpProtocols.Http1AndHttp2);
        });
        WebApplication app = builder.Build();
        app.Run(handler);
        await app.StartAsync().ConfigureAwait(false);
        string address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return (app, new Uri(address));
    }
}
