using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Portcullis.Cli.Dev;

/// <summary>The backend <c>portcullis dev</c> starts when none is given: answers every request with what it received.</summary>
internal static class DevEchoBackend
{
    public static async Task<(WebApplication App, Uri Address)> StartAsync(CancellationToken cancellationToken)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        WebApplication app = builder.Build();
        app.Run(async context =>
        {
            var headers = new SortedDictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (KeyValuePair<string, Microsoft.Extensions.Primitives.StringValues> header in context.Request.Headers)
            {
                headers[header.Key] = header.Key.Equals("Authorization", StringComparison.OrdinalIgnoreCase)
                    ? "(redacted)"
                    : header.Value.ToString();
            }

            context.Response.ContentType = "application/json";
            var echo = new Dictionary<string, object>
            {
                ["backend"] = "portcullis dev echo",
                ["method"] = context.Request.Method,
                ["target"] = context.Features.GetRequiredFeature<IHttpRequestFeature>().RawTarget,
                ["headers"] = headers,
            };
            await context.Response.WriteAsync(JsonSerializer.Serialize(echo, DevJsonContext.Default.DictionaryStringObject)).ConfigureAwait(false);
        });
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        string address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return (app, new Uri(address));
    }
}
