// bench/BareProxy: a bare reverse proxy on the gateway's stack (Kestrel + YARP's IHttpForwarder, the
// functions' Native AOT settings), nothing of Portcullis's: the memory and CPU floor the gateway is
// measured against by bench/floor. PORT (Cloud Run's contract) and BACKEND (an origin) from the
// environment; with WITH_GOOGLE_LIBRARIES the Google client libraries are linked but never called.
using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Portcullis.BareProxy;

int port = int.Parse(Environment.GetEnvironmentVariable("PORT") ?? "8080", CultureInfo.InvariantCulture);
string backend = Environment.GetEnvironmentVariable("BACKEND") ?? throw new InvalidOperationException("BACKEND (an origin) is required");
#if WITH_GOOGLE_LIBRARIES
if (Environment.GetEnvironmentVariable("BARE_PROXY_CALL_GOOGLE") == "yes")
{
    // Never set by the benchmark: only here so that the compiler keeps what the gateway reaches.
    var credential = await Google.Apis.Auth.OAuth2.GoogleCredential.GetApplicationDefaultAsync();
    var storage = await Google.Cloud.Storage.V1.StorageClient.CreateAsync(credential);
    Console.WriteLine((await storage.GetObjectAsync("bucket", "object")).Generation);
}
#endif

WebApplicationBuilder builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
builder.WebHost.UseKestrelCore().ConfigureKestrel(k =>
{
    k.AddServerHeader = false;
    k.Listen(IPAddress.Loopback, port, l => l.Protocols = HttpProtocols.Http1);
});
builder.Services.AddHttpForwarder();
WebApplication app = builder.Build();
BareForwarding.Run(app, backend);
await app.RunAsync();
