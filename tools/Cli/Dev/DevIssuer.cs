using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Portcullis.Cli.Dev;

/// <summary>
/// The JWT issuer <c>portcullis dev</c> serves on localhost: <c>/jwks</c> and an OpenID discovery
/// document, for the key in <see cref="DevIssuerKey"/>. <c>portcullis token</c> mints its tokens.
/// </summary>
internal static class DevIssuer
{
    public static async Task<WebApplication> StartAsync(DevIssuerKey key, int port, CancellationToken cancellationToken)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
        WebApplication app = builder.Build();
        string issuer = $"http://localhost:{port}";
        string jwks = key.JwksJson();
        app.Run(context =>
        {
            context.Response.ContentType = "application/json";
            return context.Request.Path.Value switch
            {
                "/jwks" => context.Response.WriteAsync(jwks, cancellationToken),
                "/.well-known/openid-configuration" => context.Response.WriteAsync($$"""{"issuer":"{{issuer}}","jwks_uri":"{{issuer}}/jwks"}""", cancellationToken),
                _ => Task.FromResult(context.Response.StatusCode = 404),
            };
        });
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        return app;
    }
}
