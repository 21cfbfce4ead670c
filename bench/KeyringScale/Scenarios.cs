using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Portcullis.Gateway;
using Portcullis.GoogleCloud.Storage;
using Portcullis.PolicyEngine.Keys;
using Portcullis.Testing;

namespace Portcullis.KeyringScale;

/// <summary>Runs every row of the issue-16 goals table and prints one line per figure.</summary>
internal static class Scenarios
{
    private const string Bucket = "bench";
    private const string Big = $"gs://{Bucket}/big";
    private const string Small = $"gs://{Bucket}/small";
    private static readonly TimeSpan s_poll = TimeSpan.FromSeconds(2);

    public static string[] SmallKeys { get; } = Enumerable.Range(0, 10).Select(i => ApiKeys.FromBody($"small{i:d2}".PadRight(ApiKeys.BodyLength, '0'))).ToArray();

    public static async Task<int> RunAllAsync(int count)
    {
        string root = RepositoryRoot();
        string work = Directory.CreateTempSubdirectory("portcullis-keyring-scale-").FullName;
        await using FakeCloudStorage storage = await FakeCloudStorage.StartAsync();
        string url = storage.BaseAddress.ToString();
        Report($"machine: {Environment.ProcessorCount} cores; {Uptime()}");

        // keys import of N keys, through the CLI as a user runs it.
        string input = Path.Combine(work, "import.jsonl");
        await using (var writer = new StreamWriter(input))
        {
            for (int i = 0; i < count; i++)
            {
                await writer.WriteLineAsync($$"""{"consumer":"customer-{{i:d7}}","name":"key {{i}}"}""");
            }
        }

        string output = Path.Combine(work, "imported.jsonl");
        string cli = Path.Combine(root, "tools", "Cli", "bin", "Release", "net10.0", "portcullis.dll");
        Report($"import: starting ({Uptime()})");
        var clock = Stopwatch.StartNew();
        (int exit, string error) = await RunAsync("dotnet", [cli, "keys", "import", input, "--keyring", Big, "--json"], url, output);
        double importSeconds = clock.Elapsed.TotalSeconds;
        if (exit != 0)
        {
            Report("import failed: " + error);
            return 1;
        }

        Report(string.Create(CultureInfo.InvariantCulture, $"IMPORT keys={count} seconds={importSeconds:F1} objects={storage.Names(Bucket).Count} ({Uptime()})"));
        string keysFile = Path.Combine(work, "keys.txt");
        List<string> sample = [];
        await using (var keysOut = new StreamWriter(keysFile))
        {
            foreach (string line in File.ReadLines(output).Take(100_000))
            {
                string key = JsonDocument.Parse(line).RootElement.GetProperty("key").GetString()!;
                sample.Add(key);
                await keysOut.WriteLineAsync(key);
            }
        }

        var smallStore = new StorageKeyringStore(CloudStorage.CreateClient(storage.BaseAddress), StorageLocation.Parse(Small));
        await smallStore.EditAsync(edit => { SmallKeys.ToList().ForEach(k => edit.Put(Keyring.NewRecord(k, "small", DateTimeOffset.UtcNow))); return 0; }, default);

        // Cold load in fresh processes (three runs).
        string self = typeof(Scenarios).Assembly.Location;
        for (int run = 0; run < 3; run++)
        {
            (int loadExit, string loadOut) = await RunCaptureAsync("dotnet", [self, "load", url, Big]);
            Report($"{loadOut.Trim()} exit={loadExit} ({Uptime()})");
        }

        (int checkExit, string checkOut) = await RunCaptureAsync("dotnet", [self, "check", url, Big, Small, keysFile]);
        Report($"{checkOut.Trim()} exit={checkExit} ({Uptime()})");

        await GatewayScenariosAsync(storage, work, sample);
        Directory.Delete(work, recursive: true);
        return 0;
    }

    private static async Task GatewayScenariosAsync(FakeCloudStorage storage, string work, List<string> sample)
    {
        await using WebApplication backend = await StartBackendAsync();
        string backendUrl = AddressOf(backend);
        string config = Path.Combine(work, "openapi.yaml");
        await File.WriteAllTextAsync(config, Config(backendUrl));

        var bigStore = new StorageKeyringStore(CloudStorage.CreateClient(storage.BaseAddress), StorageLocation.Parse(Big));
        foreach ((string name, string location, string[] keys) in new[] { ("10", Small, SmallKeys), ("1M", Big, sample.Take(10_000).ToArray()) })
        {
            await using WebApplication gateway = await StartGatewayAsync(config, location, storage.BaseAddress);
            Uri address = new(gateway.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First());
            await LoadAsync(address, keys, TimeSpan.FromSeconds(3), null);
            LoadResult steady = await LoadAsync(address, keys, TimeSpan.FromSeconds(10), null);
            Report($"STEADY keyring={name} {steady} ({Uptime()})");
            if (name != "1M")
            {
                continue;
            }

            // The writer lives in this process too: load its shards before the measured window, so a change costs it a manifest read.
            await bigStore.ReadAsync(default);

            // p99 while one key changes every 2 s (each a reload that reads only the manifest).
            int changed = sample.Count / 2;
            LoadResult reloading = await LoadAsync(address, keys, TimeSpan.FromSeconds(10), async ct =>
            {
                while (!ct.IsCancellationRequested)
                {
                    string id = Keyring.NewRecord(sample[changed++], "x", DateTimeOffset.UtcNow).Id;
                    await bigStore.EditAsync(edit => { edit.Put(edit.FindById(id)! with { Revoked = DateTimeOffset.UtcNow }); return 0; }, default);
                    await Task.Delay(2000, ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                }
            });
            Report($"RELOADING keyring={name} {reloading} ({Uptime()})");

            // Revocation → refused, measured from the moment the writer's manifest write returned.
            using var client = new HttpClient { BaseAddress = address };
            for (int run = 0; run < 5; run++)
            {
                string key = sample[(sample.Count * 3 / 4) + run];
                string id = Keyring.NewRecord(key, "x", DateTimeOffset.UtcNow).Id;
                await bigStore.EditAsync(edit => { edit.Put(edit.FindById(id)! with { Revoked = DateTimeOffset.UtcNow }); return 0; }, default);
                var since = Stopwatch.StartNew();
                while ((await client.GetAsync("/things?key=" + key)).StatusCode == System.Net.HttpStatusCode.OK && since.Elapsed < TimeSpan.FromSeconds(30))
                {
                    await Task.Delay(20);
                }

                Report(string.Create(CultureInfo.InvariantCulture, $"REVOKE run={run} refusedAfterSeconds={since.Elapsed.TotalSeconds:F2} pollSeconds={s_poll.TotalSeconds} ({Uptime()})"));
                await Task.Delay(Random.Shared.Next(0, 2000));
            }
        }
    }

    private static async Task<LoadResult> LoadAsync(Uri address, string[] keys, TimeSpan duration, Func<CancellationToken, Task>? alongside)
    {
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 64, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
        using var client = new HttpClient(handler) { BaseAddress = address };
        using var stop = new CancellationTokenSource(duration);
        TimeSpan cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var latencies = new List<double>[64];
        int errors = 0;
        Task side = alongside?.Invoke(stop.Token) ?? Task.CompletedTask;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, 64).Select(w => Task.Run(async () =>
        {
            var mine = latencies[w] = new List<double>(100_000);
            int i = w;
            while (!stop.IsCancellationRequested)
            {
                long start = Stopwatch.GetTimestamp();
                using HttpResponseMessage response = await client.GetAsync("/things?key=" + keys[i++ % keys.Length]);
                await response.Content.ReadAsByteArrayAsync();
                mine.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                if (response.StatusCode != System.Net.HttpStatusCode.OK && response.StatusCode != System.Net.HttpStatusCode.BadRequest)
                {
                    Interlocked.Increment(ref errors);
                }
            }
        })));
        double seconds = clock.Elapsed.TotalSeconds;
        await side;
        double[] all = latencies.SelectMany(l => l).Order().ToArray();
        double cpuMs = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMilliseconds;
        return new LoadResult(all.Length, all.Length / seconds, all[all.Length / 2], all[(int)(all.Length * 0.99)], cpuMs * 1000 / all.Length, errors);
    }

    private static async Task<WebApplication> StartGatewayAsync(string config, string keys, Uri storage)
    {
        string[] args =
        [
            "--PORT", "0", "--PORTCULLIS_BIND", "loopback", "--PORTCULLIS_CONFIG", config, "--PORTCULLIS_KEYS", keys,
            "--PORTCULLIS_STORAGE_URL", storage.ToString(), "--PORTCULLIS_POLL_SECONDS", s_poll.TotalSeconds.ToString(CultureInfo.InvariantCulture),
            "--PORTCULLIS_BACKEND_AUTH", "off", "--Logging:LogLevel:Default", "Warning",
        ];
        WebApplication app = GatewayApp.Build(args, out IReadOnlyList<string> errors) ?? throw new InvalidOperationException(string.Join("\n", errors));
        await app.StartAsync();
        return app;
    }

    public static string Config(string backendUrl) => $$"""
        swagger: "2.0"
        info: { title: Bench, version: "1" }
        x-google-backend: { address: "{{backendUrl}}" }
        securityDefinitions:
          api_key: { type: apiKey, name: key, in: query }
        security:
          - api_key: []
        paths:
          /things:
            get: { operationId: listThings }
        """;

    public static string AddressOf(WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();

    public static async Task<WebApplication> StartBackendAsync()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        WebApplication app = builder.Build();
        app.Run(context => context.Response.WriteAsync("ok"));
        await app.StartAsync();
        return app;
    }

    private static async Task<(int Exit, string Error)> RunAsync(string file, string[] args, string storageUrl, string stdoutPath)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        args.ToList().ForEach(start.ArgumentList.Add);
        start.Environment[CloudStorage.UrlSetting] = storageUrl;
        using Process process = Process.Start(start)!;
        await using var output = File.Create(stdoutPath);
        Task copy = process.StandardOutput.BaseStream.CopyToAsync(output);
        string error = await process.StandardError.ReadToEndAsync();
        await copy;
        await process.WaitForExitAsync();
        return (process.ExitCode, error);
    }

    private static async Task<(int Exit, string Output)> RunCaptureAsync(string file, string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        args.ToList().ForEach(start.ArgumentList.Add);
        using Process process = Process.Start(start)!;
        Task<string> error = process.StandardError.ReadToEndAsync();
        string output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, output + await error);
    }

    private static string Uptime() => File.Exists("/proc/loadavg") ? "load " + string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "load ?";

    private static void Report(string line) => Console.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] {line}");

    private static string RepositoryRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Functions.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Functions.sln not found above " + AppContext.BaseDirectory);
    }

    private sealed record LoadResult(int Requests, double PerSecond, double P50Ms, double P99Ms, double CpuMicrosecondsPerRequest, int Errors)
    {
        public override string ToString() => string.Create(CultureInfo.InvariantCulture,
            $"requests={Requests} rps={PerSecond:F0} p50ms={P50Ms:F2} p99ms={P99Ms:F2} processCpuUsPerRequest={CpuMicrosecondsPerRequest:F0} errors={Errors}");
    }
}
