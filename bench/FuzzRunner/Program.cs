// Bypass fuzzing at scale: the generator, oracle and runner of BypassFuzzTests (tests/Testing/Bypass*)
// against an in-process gateway and echo backend on loopback, for millions of cases.
// Usage: dotnet run -c Release --project bench/FuzzRunner -- [cases=5000000] [seed=random] [seconds=0 (no limit)] [connections=4]
// Exit code 1 when a violation is found; each is printed with its seed and case index.
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Portcullis.Gateway;
using Portcullis.PolicyEngine.Keys;
using Portcullis.Testing;

long cases = args.Length > 0 ? long.Parse(args[0], CultureInfo.InvariantCulture) : 5_000_000;
long seed = args.Length > 1 && args[1] != "random" ? long.Parse(args[1], CultureInfo.InvariantCulture) : Random.Shared.NextInt64(1, 1L << 48);
double seconds = args.Length > 2 ? double.Parse(args[2], CultureInfo.InvariantCulture) : 0;
int connections = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 4;

DateTimeOffset now = DateTimeOffset.UtcNow;
string valid = ApiKeys.FromBody("fuzzvalid000000000000000000000");
string unknown = ApiKeys.FromBody("fuzzunknown0000000000000000000");
string expired = ApiKeys.FromBody("fuzzexpired0000000000000000000");
string revoked = ApiKeys.FromBody("fuzzrevoked0000000000000000000");
string restricted = ApiKeys.FromBody("fuzzrestricted0000000000000000");
string directory = Directory.CreateTempSubdirectory("portcullis-fuzz-").FullName;
string keyring = Path.Combine(directory, "keyring.json");
string config = Path.Combine(directory, "openapi.yaml");

await using EchoBackend backend = await EchoBackend.StartAsync();
await File.WriteAllTextAsync(keyring, Keyring.Serialize(
[
    Keyring.NewRecord(valid, BypassApi.Consumer, now.AddDays(-1)),
    Keyring.NewRecord(expired, "old", now.AddDays(-30), expires: now.AddMinutes(-1)),
    Keyring.NewRecord(revoked, "mallory", now.AddDays(-30)) with { Revoked = now.AddHours(-1) },
    Keyring.NewRecord(restricted, "reader", now.AddDays(-1)) with { AllowedOperations = new HashSet<string> { "elsewhere" } },
]));
await File.WriteAllTextAsync(config, BypassApi.Config(backend.BaseAddress.GetLeftPart(UriPartial.Authority)));

WebApplication gateway = GatewayApp.Build(
    ["--PORT", "0", "--PORTCULLIS_BIND", "loopback", "--Logging:LogLevel:Default", "Warning", "--PORTCULLIS_CONFIG", config,
     "--PORTCULLIS_KEYS", keyring, "--PORTCULLIS_BACKEND_AUTH", "off", "--PORTCULLIS_POLL_SECONDS", "3600"],
    out IReadOnlyList<string> errors) ?? throw new InvalidOperationException(string.Join("\n", errors));
await gateway.StartAsync();
var address = new Uri(gateway.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First());

Console.WriteLine($"fuzz: seed {seed}, up to {cases} cases{(seconds > 0 ? $" or {seconds} s" : "")}, {connections} connections, gateway {address}");
var runner = new BypassRunner(address, backend, new BypassMutations(seed, valid, [unknown, expired, revoked, restricted, "ptc_wrong", "x"]), new BypassOracle(valid))
{
    Connections = connections,
    BatchSize = 50_000,
};
long lastPrinted = 0;
BypassReport report = await runner.RunAsync(
    cases,
    seconds > 0 ? TimeSpan.FromSeconds(seconds) : null,
    progress: r =>
    {
        if (r.Cases - lastPrinted >= 500_000)
        {
            lastPrinted = r.Cases;
            Console.WriteLine($"  {r.Cases} cases, {r.CasesPerSecond:F0}/s, {r.Violations.Count} violations");
        }
    });

await gateway.StopAsync();
await gateway.DisposeAsync();
Directory.Delete(directory, recursive: true);

Console.WriteLine(report.Summary());
Console.WriteLine("backend hits by operation: " + string.Join(", ", report.Hits.Select(h => $"{h.Key} {h.Value}")));
foreach (string violation in report.Violations)
{
    Console.WriteLine("VIOLATION " + violation);
}

return report.Violations.Count == 0 ? 0 : 1;
