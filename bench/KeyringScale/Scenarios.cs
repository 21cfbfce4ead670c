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
        int exit;
        string error;
        double importSeconds;
        await using (await ExclusiveHold.TakeAsync())
        {
            var clock = Stopwatch.StartNew();
            (exit, error) = await RunAsync("dotnet", [cli, "keys", "import", input, "--keyring", Big, "--json"], url, output);
            importSeconds = clock.Elapsed.TotalSeconds;
        }

        if (exit != 0)
        {
            Report("import failed: " + error);
            return 1;
        }

        Report(string.Create(CultureInfo.InvariantCulture, $"IMPORT keys={count} seconds={importSeconds:F1} objects={storage.Names(Bucket).Count} ({Uptime()})"));
        // The first 100,000 keys are the load's rotation; the next ones are revoked (or shown) by the writer, never requested by the load.
        string keysFile = Path.Combine(work, "keys.txt");
        List<string> sample = [];
        List<(string Id, string Key)> spare = [];
        await using (var keysOut = new StreamWriter(keysFile))
        {
            foreach (string line in File.ReadLines(output).Take(Math.Min(count, 100_000 + 400)))
            {
                JsonElement imported = JsonDocument.Parse(line).RootElement;
                string key = imported.GetProperty("key").GetString()!;
                if (sample.Count < Math.Min(100_000, count - 400))
                {
                    sample.Add(key);
                    await keysOut.WriteLineAsync(key);
                }
                else
                {
                    spare.Add((imported.GetProperty("id").GetString()!, key));
                }
            }
        }

        var smallStore = new StorageKeyringStore(CloudStorage.CreateClient(storage.BaseAddress), StorageLocation.Parse(Small));
        await smallStore.EditAsync(edit => { SmallKeys.ToList().ForEach(k => edit.Put(Keyring.NewRecord(k, "small", DateTimeOffset.UtcNow))); return 0; }, default);

        // Cold load in fresh processes (three runs).
        string self = typeof(Scenarios).Assembly.Location;
        for (int run = 0; run < 3; run++)
        {
            await using (await ExclusiveHold.TakeAsync())
            {
                string load = Uptime();
                (int loadExit, string loadOut) = await RunCaptureAsync("dotnet", [self, "load", url, Big]);
                Report($"{loadOut.Trim()} exit={loadExit} ({load} → {Uptime()})");
            }
        }

        await using (await ExclusiveHold.TakeAsync())
        {
            string load = Uptime();
            (int checkExit, string checkOut) = await RunCaptureAsync("dotnet", [self, "check", url, Big, Small, keysFile]);
            Report($"{checkOut.Trim()} exit={checkExit} ({load} → {Uptime()})");
        }

        string gateway = Environment.GetEnvironmentVariable("GATEWAY") is { Length: > 0 } published
            ? Path.GetFullPath(published)
            : Path.Combine(root, "functions", "Gateway", "bin", "Release", "net10.0", "Portcullis.Gateway.dll");
        await Processes.RunAsync(new Processes.Setup(storage, work, cli, gateway, Big, Small, sample, SmallKeys, spare));
        if (Environment.GetEnvironmentVariable("KEEP") is not "1")
        {
            Directory.Delete(work, recursive: true);
        }
        else
        {
            Report("kept: " + work);
        }

        return 0;
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

    public static async Task<(int Exit, string Output)> RunCaptureAsync(string file, string[] args, string? storageUrl = null)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        args.ToList().ForEach(start.ArgumentList.Add);
        if (storageUrl is not null)
        {
            start.Environment[CloudStorage.UrlSetting] = storageUrl;
        }

        using Process process = Process.Start(start)!;
        Task<string> error = process.StandardError.ReadToEndAsync();
        string output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, output + await error);
    }

    public static string Uptime() => File.Exists("/proc/loadavg") ? "load " + string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "load ?";

    public static void Report(string line) => Console.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] {line}");

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
}
