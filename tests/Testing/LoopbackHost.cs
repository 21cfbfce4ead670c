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
    /// <summary>
    /// Serves <paramref name="handler"/> on <c>127.0.0.1:0</c> and returns the app with the address
    /// it bound (<c>http://127.0.0.1:PORT</c>). With <paramref name="http2Cleartext"/> it speaks only
    /// HTTP/2 with prior knowledge (h2c); otherwise only HTTP/1.1 (without TLS there is no ALPN to
    /// choose between them).
    /// </summary>
    public static async Task<(WebApplication App, Uri Address)> StartAsync(RequestDelegate handler, bool http2Cleartext = false)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();

        // Hermetic: no appsettings.json, ASPNETCORE_* or Kestrel__Endpoints from the test process's
        // environment may add endpoints or settings; and no log output.
        builder.Configuration.Sources.Clear();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;

            // Tests send long raw targets on purpose (path normalisation, many query parameters).
            kestrel.Limits.MaxRequestLineSize = 64 * 1024;
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = http2Cleartext ? HttpProtocols.Http2 : HttpProtocols.Http1);
        });
        WebApplication app = builder.Build();
        app.Run(handler);
        await app.StartAsync().ConfigureAwait(false);
        string address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return (app, new Uri(address));
    }
}
