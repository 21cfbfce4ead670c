// Throughput cost of quotas: the same gateway and backend, with quotas off, counted per instance,
// and counted in Redis, each driven by wrk (Debian package) on loopback.
// Usage: dotnet run -c Release --project bench/QuotaCost -- [seconds=10] [connections=64]
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Portcullis.Gateway;
using Portcullis.PolicyEngine.Keys;
using Portcullis.Testing;

string seconds = args.Length > 0 ? args[0] : "10";
string connections = args.Length > 1 ? args[1] : "64";
string key = ApiKeys.FromBody("bench0000000000000000000000000");
string directory = Directory.CreateTempSubdirectory("portcullis-quota-bench-").FullName;
string keyring = Path.Combine(directory, "keyring.json");
await File.WriteAllTextAsync(keyring, Keyring.Serialize([Keyring.NewRecord(key, "bench", DateTimeOffset.UtcNow)]));

await using EchoBackend backend = await EchoBackend.StartAsync();
await using RedisServer redis = await RedisServer.StartAsync();

string Config(bool counted) => $$"""
    swagger: "2.0"
    info: { title: Bench, version: "1" }
    x-google-backend: { address: "{{backend.BaseAddress.GetLeftPart(UriPartial.Authority)}}", disable_auth: true }
    securityDefinitions: { api_key: { type: apiKey, name: key, in: query } }
    security: [{ api_key: [] }]
    x-google-management:
      metrics: [{ name: reads, valueType: INT64, metricKind: DELTA }]
      quota: { limits: [{ name: read-limit, metric: reads, unit: "1/min/{project}", values: { STANDARD: 1000000000 } }] }
    paths:
      /things:
        get:
          operationId: listThings
    {{(counted ? "      x-google-quota: { metricCosts: { reads: 1 } }" : "")}}
    """;

async Task<(WebApplication App, string Url)> StartAsync(string name, bool counted, params string[] extra)
{
    string config = Path.Combine(directory, name + ".yaml");
    await File.WriteAllTextAsync(config, Config(counted));
    WebApplication app = GatewayApp.Build(
        ["--PORT", "0", "--PORTCULLIS_BIND", "loopback", "--Logging:LogLevel:Default", "Warning", "--PORTCULLIS_CONFIG", config,
         "--PORTCULLIS_KEYS", keyring, "--PORTCULLIS_BACKEND_AUTH", "off", .. extra],
        out IReadOnlyList<string> errors) ?? throw new InvalidOperationException(string.Join("\n", errors));
    await app.StartAsync();
    string address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
    return (app, $"{address}/things?key={key}");
}

var targets = new (string Name, (WebApplication App, string Url) Gateway)[]
{
    ("quota off", await StartAsync("off", counted: false)),
    ("per instance", await StartAsync("local", counted: true)),
    ("Redis", await StartAsync("redis", counted: true, "--PORTCULLIS_REDIS", redis.Endpoint)),
};

// Rounds interleave the targets so drift on a shared VM hits all of them alike; the median round is reported.
const int Rounds = 3;
var results = targets.ToDictionary(t => t.Name, _ => new List<(double Rps, string P50, string P99, string Errors)>());
foreach ((_, (WebApplication _, string url)) in targets)
{
    await RunWrkAsync(url, "2"); // warm-up
}

for (int round = 0; round < Rounds; round++)
{
    foreach ((string name, (WebApplication _, string url)) in targets)
    {
        string output = await RunWrkAsync(url, seconds);
        double rps = double.Parse(Regex.Match(output, @"Requests/sec:\s+([\d.]+)").Groups[1].Value, CultureInfo.InvariantCulture);
        string p50 = Regex.Match(output, @"^\s+50%\s+(\S+)", RegexOptions.Multiline).Groups[1].Value;
        string p99 = Regex.Match(output, @"^\s+99%\s+(\S+)", RegexOptions.Multiline).Groups[1].Value;
        string errors = Regex.Match(output, @"Non-2xx or 3xx responses:\s+(\d+)").Groups[1].Value;
        results[name].Add((rps, p50, p99, errors.Length == 0 ? "0" : errors));
    }
}

Console.WriteLine($"| quotas | requests/s (median of {Rounds}) | all rounds | p50 | p99 | non-2xx |");
Console.WriteLine("|---|---|---|---|---|---|");
foreach ((string name, var runs) in results)
{
    var median = runs.OrderBy(r => r.Rps).ElementAt(runs.Count / 2);
    string all = string.Join(" / ", runs.Select(r => r.Rps.ToString("0", CultureInfo.InvariantCulture)));
    Console.WriteLine($"| {name} | {median.Rps:0} | {all} | {median.P50} | {median.P99} | {string.Join("+", runs.Select(r => r.Errors))} |");
}

Console.WriteLine($"wrk -t2 -c{connections} -d{seconds}s --latency, loopback; one 2-core VM shared by wrk, gateway, echo backend and Redis.");

foreach ((_, (WebApplication app, _)) in targets)
{
    await app.DisposeAsync();
}

Directory.Delete(directory, recursive: true);

async Task<string> RunWrkAsync(string url, string duration)
{
    var start = new ProcessStartInfo("wrk") { RedirectStandardOutput = true, UseShellExecute = false };
    foreach (string arg in new[] { "-t2", "-c" + connections, "-d" + duration + "s", "--latency", url })
    {
        start.ArgumentList.Add(arg);
    }

    using Process wrk = Process.Start(start) ?? throw new InvalidOperationException("wrk is not installed (apt-get install wrk)");
    string output = await wrk.StandardOutput.ReadToEndAsync();
    await wrk.WaitForExitAsync();
    return output;
}
