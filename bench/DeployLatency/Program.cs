// Deploy-to-live latency: the time from a deploy call returning to the LAST of two gateways
// serving the new config, over a dir: store, on loopback. Goal: ≤ poll interval + 1 s.
// Usage: dotnet run -c Release --project bench/DeployLatency -- [deploys=20] [pollSeconds=1]
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Portcullis.ConfigDeployer;
using Portcullis.Gateway;
using Portcullis.Testing;

int deploys = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 20;
string poll = args.Length > 1 ? args[1] : "1";
const string Audience = "https://deployer.bench";
const string Email = "bench@test-project.iam.gserviceaccount.com";

FakeMetadataServer metadata = await FakeMetadataServer.StartAsync();
EchoBackend backend = await EchoBackend.StartAsync();
string directory = Directory.CreateTempSubdirectory("portcullis-deploy-bench-").FullName;
string store = "dir:" + Path.Combine(directory, "store");
string keyring = Path.Combine(directory, "keyring.json");
await File.WriteAllTextAsync(keyring, "{\"keys\":[]}");

WebApplication deployer = DeployerApp.Build(
[
    "--PORT", "0", "--PORTCULLIS_BIND", "loopback", "--Logging:LogLevel:Default", "Warning",
    "--PORTCULLIS_CONFIG", store, "--PORTCULLIS_AUDIENCE", Audience, "--PORTCULLIS_DEPLOYERS", Email,
    "--PORTCULLIS_JWKS_URL", new Uri(metadata.BaseAddress, "/jwks").ToString(),
]);
await deployer.StartAsync();
using var deployClient = new HttpClient { BaseAddress = new Uri(Address(deployer)) };

string Config(int generation) => $$"""
    swagger: "2.0"
    info: { title: Bench, version: "{{generation}}" }
    x-google-backend: { address: "{{backend.BaseAddress.GetLeftPart(UriPartial.Authority)}}", disable_auth: true }
    paths:
      /gen{{generation}}:
        get: { operationId: gen{{generation}} }
    """;

async Task DeployAsync(int generation)
{
    using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/configs?allowDowngrade=true") { Content = new StringContent(Config(generation), Encoding.UTF8) };
    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", metadata.MintIdToken(Audience, Email));
    HttpResponseMessage response = await deployClient.SendAsync(request);
    if (!response.IsSuccessStatusCode)
    {
        throw new InvalidOperationException(await response.Content.ReadAsStringAsync());
    }
}

await DeployAsync(0);
var gateways = new List<(WebApplication App, HttpClient Client)>();
for (int i = 0; i < 2; i++)
{
    WebApplication app = GatewayApp.Build(
        ["--PORT", "0", "--PORTCULLIS_BIND", "loopback", "--Logging:LogLevel:Default", "Warning", "--PORTCULLIS_CONFIG", store,
         "--PORTCULLIS_KEYS", keyring, "--PORTCULLIS_POLL_SECONDS", poll, "--PORTCULLIS_BACKEND_AUTH", "off"],
        out IReadOnlyList<string> errors) ?? throw new InvalidOperationException(string.Join("\n", errors));
    await app.StartAsync();
    gateways.Add((app, new HttpClient { BaseAddress = new Uri(Address(app)) }));
}

var samples = new List<double>();
for (int generation = 1; generation <= deploys; generation++)
{
    // Deploys land at a random point of the poll cycle, as pushes do.
    await Task.Delay(Random.Shared.Next(0, (int)(double.Parse(poll, CultureInfo.InvariantCulture) * 1000)));
    await DeployAsync(generation);
    var clock = Stopwatch.StartNew();
    foreach ((_, HttpClient client) in gateways)
    {
        while ((await client.GetAsync($"/gen{generation}")).StatusCode != HttpStatusCode.OK)
        {
            await Task.Delay(5);
        }
    }

    samples.Add(clock.Elapsed.TotalMilliseconds);
}

samples.Sort();
Console.WriteLine($"deploys={deploys} poll={poll}s gateways=2 store=dir:");
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"deploy-returned → last gateway serving: median {samples[samples.Count / 2]:0} ms, p90 {samples[(int)(samples.Count * 0.9)]:0} ms, max {samples[^1]:0} ms"));

foreach ((WebApplication app, HttpClient client) in gateways)
{
    client.Dispose();
    await app.DisposeAsync();
}

await deployer.DisposeAsync();
await backend.DisposeAsync();
await metadata.DisposeAsync();
Directory.Delete(directory, recursive: true);

static string Address(WebApplication app) =>
    app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
