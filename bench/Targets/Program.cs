// The peers Portcullis is measured against, one process each (bench/run starts them):
//   backend PORT          a minimal Kestrel backend: 200 "ok" (the physical limit)
//   yarp PORT BACKEND     a bare YARP IHttpForwarder proxy, no checks (what a .NET user writes by hand);
//                         with DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 also Kestrel's inline
//                         scheduling: the same inline I/O the gateway runs with by default
//   fakes                 fake metadata server + fake Service Control (every key valid) + a fake JWT
//                         issuer (JWKS); prints their addresses and a day-long token for AUDIENCE
using System.Net;
using System.Runtime.InteropServices;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Portcullis.Testing;
using Yarp.ReverseProxy.Forwarder;

string mode = args.Length > 0 ? args[0] : "";
switch (mode)
{
    case "backend":
        await RunBackendAsync(int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture));
        break;
    case "yarp":
        await RunYarpAsync(int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture), args[2]);
        break;
    case "fakes":
        FakeMetadataServer metadata = await FakeMetadataServer.StartAsync();
        FakeServiceControl serviceControl = await FakeServiceControl.StartAsync();
        FakeIssuer issuer = await FakeIssuer.StartAsync();
        string audience = args.Length > 1 ? args[1] : "https://bench.endpoints.bench-project.cloud.goog";
        Console.WriteLine($"METADATA {metadata.HostAndPort}");
        Console.WriteLine($"ISSUER {issuer.Url}");
        Console.WriteLine($"JWT {issuer.Sign(issuer.Claims(audience, "bench-user", TimeSpan.FromDays(1)))}");
        Console.WriteLine($"SERVICECONTROL {serviceControl.BaseAddress}");
        // Until SIGTERM or SIGINT. The fakes' own hosts take over SIGTERM (the console lifetime
        // cancels the default exit), so a bare wait here outlived every bench run that started it.
        var stop = new TaskCompletionSource();
        using (PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.TrySetResult(); }))
        using (PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.TrySetResult(); }))
        {
            await stop.Task;
        }

        break;
    default:
        Console.Error.WriteLine("usage: backend PORT | yarp PORT BACKEND_URL | fakes");
        return 2;
}

return 0;

static WebApplication Build(int port)
{
    WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
    builder.Logging.ClearProviders();
    builder.WebHost.ConfigureKestrel(k =>
    {
        k.AddServerHeader = false;
        k.Listen(IPAddress.Loopback, port, l => l.Protocols = HttpProtocols.Http1);
    });
    return builder.Build();
}

static async Task RunBackendAsync(int port)
{
    WebApplication app = Build(port);
    app.Run(static context =>
    {
        context.Response.ContentLength = 2;
        return context.Response.Body.WriteAsync("ok"u8.ToArray()).AsTask();
    });
    Console.WriteLine("READY");
    await app.RunAsync();
}

static async Task RunYarpAsync(int port, string backend)
{
    WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
    builder.Logging.ClearProviders();
    builder.WebHost.ConfigureKestrel(k =>
    {
        k.AddServerHeader = false;
        k.Listen(IPAddress.Loopback, port);
    });
    builder.Services.AddHttpForwarder();
    if (Environment.GetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS") == "1")
    {
        builder.WebHost.UseSockets(o => o.UnsafePreferInlineScheduling = true);
    }

    WebApplication app = builder.Build();
    Portcullis.BareProxy.BareForwarding.Run(app, backend);
    Console.WriteLine("READY");
    await app.RunAsync();
}
