using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Portcullis.Testing;

namespace Portcullis.KeyringScale;

/// <summary>
/// The rows measured through a running gateway, each part in its own process as a user runs them:
/// the gateway (the published binary: Native AOT, or a JIT build), the backend (a minimal Kestrel
/// "ok", <c>backend</c> mode of this program), the load (wrk at c64, a Lua script rotating the keys),
/// the writer (the Release CLI, <c>portcullis keys revoke ID --keyring gs://…</c>). Only the Cloud
/// Storage fake stays in the benchmark process: it is not on the request path.
/// </summary>
internal static class Processes
{
    private const string Poll = "2";

    // What the gateway logs when it swaps in a new keyring index (GatewayLog.SourceLoaded).
    private const string ReloadLine = "manifest generation";

    /// <summary>Everything the gateway rows need from the set-up.</summary>
    internal sealed record Setup(
        FakeCloudStorage Storage, string Work, string Cli, string Gateway, string BigLocation, string SmallLocation,
        IReadOnlyList<string> Rotation, IReadOnlyList<string> SmallKeys, IReadOnlyList<(string Id, string Key)> Spare);

    public static async Task RunAsync(Setup setup)
    {
        int duration = Setting("DURATION", 10);
        int rounds = Setting("ROUNDS", 3);
        int cpuRounds = Setting("CPU_ROUNDS", rounds);
        int warmup = Setting("WARMUP", 15);
        string self = typeof(Processes).Assembly.Location;
        await using Child backend = await Child.StartAsync("dotnet", [self, "backend"], Path.Combine(setup.Work, "backend.log"), "BACKEND ");
        string backendUrl = backend.Announced!;
        string config = Path.Combine(setup.Work, "openapi.yaml");
        await File.WriteAllTextAsync(config, Scenarios.Config(backendUrl));

        string bigKeys = Path.Combine(setup.Work, "rotation-1M.txt");
        string smallKeys = Path.Combine(setup.Work, "rotation-10.txt");
        await File.WriteAllLinesAsync(bigKeys, setup.Rotation);
        await File.WriteAllLinesAsync(smallKeys, setup.SmallKeys);
        string lua = Path.Combine(setup.Work, "rotate.lua");
        await File.WriteAllTextAsync(lua, RotateLua);

        await using Child big = await StartGatewayAsync(setup, config, setup.BigLocation, "1M");
        await using Child small = await StartGatewayAsync(setup, config, setup.SmallLocation, "10");
        Report($"gateway: {setup.Gateway}; pids 1M={big.Pid} 10={small.Pid}; backend {backendUrl}");

        // Warm-up (tiered JIT for a JIT build; connection pools, record caches for every rotated key).
        foreach ((Child gateway, string keys) in new[] { (small, smallKeys), (big, bigKeys) })
        {
            await WrkAsync(gateway, keys, lua, warmup, exclusive: false);
        }

        // Goal: key check cost at 1 M vs 10 keys, as the gateway process's CPU per request. Interleaved, order alternating.
        // Twice: as is (the gateway, wrk and the backend share both cores) and pinned (the gateway alone on core 0, wrk
        // and the backend on core 1), which takes away most of the scheduling noise between the three.
        foreach (bool pinned in new[] { false, true })
        {
            if (pinned)
            {
                await PinAsync(backend.Pid, "1");
            }

            for (int round = 1; round <= cpuRounds; round++)
            {
                foreach ((string name, Child gateway, string keys) in round % 2 == 1
                    ? new[] { ("10", small, smallKeys), ("1M", big, bigKeys) }
                    : new[] { ("1M", big, bigKeys), ("10", small, smallKeys) })
                {
                    if (pinned)
                    {
                        await PinAsync(gateway.Pid, "0");
                    }

                    WrkResult result = await WrkAsync(gateway, keys, lua, duration, exclusive: true, pinWrk: pinned);
                    Report($"CPU{(pinned ? "-PINNED" : "")} round={round} keyring={name} {result}");
                    if (pinned)
                    {
                        await PinAsync(gateway.Pid, "0,1");
                    }
                }
            }

            if (pinned)
            {
                await PinAsync(backend.Pid, "0,1");
            }
        }

        // Goal: p99 during a reload that changes one key vs steady state, on the 1 M gateway. Five windows a round, their
        // order rotating from round to round: steady (no writer); cli-show / cli-revoke (the Release CLI started every 2 s,
        // as a user runs it: `keys show ID` reads the keyring exactly as a revoke does but changes nothing, `keys revoke ID`
        // changes one key, a manifest change the gateway picks up at its next poll); warm-show / warm-revoke (the same
        // library calls from one long-lived writer process that read the keyring before the window). The show windows
        // separate what the gateway's reload costs from what the writer's own CPU costs on these two shared cores.
        int spare = 0;
        string[] windows = ["steady", "cli-show", "cli-revoke", "warm-show", "warm-revoke"];
        for (int round = 1; round <= rounds; round++)
        {
            foreach (string window in Enumerable.Range(0, windows.Length).Select(i => windows[(i + round - 1) % windows.Length]))
            {
                string action = window.EndsWith("revoke", StringComparison.Ordinal) ? "revoke" : "show";
                var writes = new List<string>();
                Func<CancellationToken, Task>? writer = null;
                Process? warm = null;
                if (window.StartsWith("cli-", StringComparison.Ordinal))
                {
                    writer = async ct =>
                    {
                        while (!ct.IsCancellationRequested)
                        {
                            var started = Stopwatch.StartNew();
                            string id = setup.Spare[spare++].Id;
                            (int exit, string output) = await RunCliAsync(setup, ["keys", action, id]);
                            writes.Add(string.Create(CultureInfo.InvariantCulture, $"{started.Elapsed.TotalSeconds:F2}s{(exit == 0 ? "" : " exit " + exit + ": " + output.Trim())}"));
                            await Task.Delay(TimeSpan.FromSeconds(2) - started.Elapsed is { } rest && rest > TimeSpan.Zero ? rest : TimeSpan.Zero, ct)
                                .ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                        }
                    };
                }
                else if (window.StartsWith("warm-", StringComparison.Ordinal))
                {
                    (warm, writer) = await StartWarmWriterAsync(setup, action, Path.Combine(setup.Work, $"ids-{round}-{window}.txt"), spare, duration, writes);
                    spare += (duration / 2) + 2;
                }

                _ = big.CountNewLines(ReloadLine);
                WrkResult result = await WrkAsync(big, bigKeys, lua, duration, exclusive: true, writer);
                int reloads = big.CountNewLines(ReloadLine);
                warm?.Dispose();
                Report($"RELOAD round={round} window={window} {result} reloadsSeen={reloads} writer=[{string.Join(", ", writes)}]");
            }
        }

        // What one reload costs the gateway's process: its CPU over a window with no traffic (polls answered 304) vs one in
        // which the warm writer changes a key every 2 s (process utime + stime: 10 ms ticks, exited threads included).
        for (int round = 1; round <= 2; round++)
        {
            int seconds = 2 * duration;
            double idle;
            await using (await ExclusiveHold.TakeAsync())
            {
                double before = CpuNanoseconds(big.Pid);
                await Task.Delay(TimeSpan.FromSeconds(seconds));
                idle = CpuNanoseconds(big.Pid) - before;
            }

            var writes = new List<string>();
            (Process warm, Func<CancellationToken, Task> writer) = await StartWarmWriterAsync(setup, "revoke", Path.Combine(setup.Work, $"ids-idle-{round}.txt"), spare, seconds, writes);
            spare += (seconds / 2) + 2;
            using (warm)
            {
                await using (await ExclusiveHold.TakeAsync())
                {
                    _ = big.CountNewLines(ReloadLine);
                    double before = CpuNanoseconds(big.Pid);
                    await writer(default);
                    await Task.Delay(TimeSpan.FromSeconds(1));
                    double reloading = CpuNanoseconds(big.Pid) - before;
                    int reloads = big.CountNewLines(ReloadLine);
                    Report(string.Create(CultureInfo.InvariantCulture,
                        $"RELOADCPU round={round} idleMs={idle / 1e6:F1} over {seconds}s; withReloadsMs={reloading / 1e6:F1} over {seconds + 1}s; reloadsSeen={reloads}; perReloadMs={(reloading - (idle * (seconds + 1) / seconds)) / 1e6 / Math.Max(reloads, 1):F2} ({Scenarios.Uptime()}) writer=[{string.Join(", ", writes)}]"));
                }
            }
        }

        // The same goal at a fixed rate: c64 paced by wrk to about RATE requests/s in all (each connection waits a random
        // 0..2·64/RATE s between requests, as bench/run's fixed-rate run), far from saturation, so p99 is the path's own
        // latency rather than a queue's, and a pause in request handling during a reload would stand out.
        int rate = Setting("RATE", 4000);
        string paced = Path.Combine(setup.Work, "rotate-paced.lua");
        await File.WriteAllTextAsync(paced, RotateLua + $"\nfunction delay() return math.random(0, {2 * 64 * 1000 / rate}) end\n");
        string[] pacedWindows = ["steady", "warm-show", "warm-revoke"];
        for (int round = 1; round <= rounds; round++)
        {
            foreach (string window in Enumerable.Range(0, pacedWindows.Length).Select(i => pacedWindows[(i + round - 1) % pacedWindows.Length]))
            {
                var writes = new List<string>();
                Process? warm = null;
                Func<CancellationToken, Task>? writer = null;
                if (window != "steady")
                {
                    (warm, writer) = await StartWarmWriterAsync(setup, window == "warm-revoke" ? "revoke" : "show", Path.Combine(setup.Work, $"ids-paced-{round}-{window}.txt"), spare, duration, writes);
                    spare += (duration / 2) + 2;
                }

                _ = big.CountNewLines(ReloadLine);
                WrkResult result = await WrkAsync(big, bigKeys, paced, duration, exclusive: true, writer);
                int reloads = big.CountNewLines(ReloadLine);
                warm?.Dispose();
                Report($"PACED rate={rate} round={round} window={window} {result} reloadsSeen={reloads} writer=[{string.Join(", ", writes)}]");
            }
        }

        // Goal: one revocation → refused, from the CLI's exit (its manifest write returned just before).
        using var client = new HttpClient { BaseAddress = big.Address, Timeout = TimeSpan.FromSeconds(10) };
        for (int run = 0; run < 5; run++)
        {
            (string id, string key) = setup.Spare[spare++];
            HttpStatusCode before = (await client.GetAsync("/things?key=" + key)).StatusCode;
            (int exit, string output) = await RunCliAsync(setup, ["keys", "revoke", id]);
            var since = Stopwatch.StartNew();
            while ((await client.GetAsync("/things?key=" + key)).StatusCode == HttpStatusCode.OK && since.Elapsed < TimeSpan.FromSeconds(30))
            {
                await Task.Delay(20);
            }

            Report(string.Create(CultureInfo.InvariantCulture,
                $"REVOKE run={run} before={(int)before} cliExit={exit} refusedAfterSeconds={since.Elapsed.TotalSeconds:F2} pollSeconds={Poll} ({Scenarios.Uptime()}){(exit == 0 ? "" : " " + output.Trim())}"));
            await Task.Delay(Random.Shared.Next(0, 2000));
        }
    }

    private static async Task<Child> StartGatewayAsync(Setup setup, string config, string location, string name)
    {
        int port = FreePort();
        bool jit = setup.Gateway.EndsWith(".dll", StringComparison.Ordinal);
        var environment = new Dictionary<string, string>
        {
            ["K_SERVICE"] = "portcullis-keyring-scale",
            ["PORT"] = port.ToString(CultureInfo.InvariantCulture),
            ["PORTCULLIS_BIND"] = "loopback",
            ["PORTCULLIS_CONFIG"] = config,
            ["PORTCULLIS_KEYS"] = location,
            ["PORTCULLIS_STORAGE_URL"] = setup.Storage.BaseAddress.ToString(),
            ["PORTCULLIS_POLL_SECONDS"] = Poll,
            ["PORTCULLIS_BACKEND_AUTH"] = "off",
        };
        Child gateway = await Child.StartAsync(jit ? "dotnet" : setup.Gateway, jit ? [setup.Gateway] : [], Path.Combine(setup.Work, $"gateway-{name}.log"), null, environment);
        gateway.Address = new Uri($"http://127.0.0.1:{port}");
        using var client = new HttpClient { BaseAddress = gateway.Address, Timeout = TimeSpan.FromSeconds(5) };
        string probe = "/things?key=" + (name == "1M" ? setup.Rotation[0] : setup.SmallKeys[0]);
        var waited = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                if ((await client.GetAsync(probe)).StatusCode == HttpStatusCode.OK)
                {
                    return gateway;
                }
            }
            catch (HttpRequestException) when (waited.Elapsed < TimeSpan.FromSeconds(60))
            {
                // Not listening yet.
            }

            if (waited.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new InvalidOperationException($"gateway {name} not ready after 60 s; see {gateway.Log}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Sets the CPU affinity of every thread of <paramref name="pid"/> (taskset -a).</summary>
    private static async Task PinAsync(int pid, string cpus)
    {
        (int exit, string output) = await Scenarios.RunCaptureAsync("taskset", ["-a", "-p", "-c", cpus, pid.ToString(CultureInfo.InvariantCulture)]);
        if (exit != 0)
        {
            throw new InvalidOperationException("taskset: " + output);
        }
    }

    private static async Task<WrkResult> WrkAsync(
        Child gateway, string keys, string lua, int seconds, bool exclusive, Func<CancellationToken, Task>? alongside = null, bool pinWrk = false)
    {
        await using ExclusiveHold? hold = exclusive ? await ExclusiveHold.TakeAsync() : null;
        string load = Scenarios.Uptime();
        long before = CpuTicks(gateway.Pid);
        long stealBefore = StealTicks();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        string[] wrkArgs = ["-t2", "-c64", $"-d{seconds}s", "-s", lua, gateway.Address!.ToString(), "--", keys];
        Task wrk = pinWrk ? RunCaptureAsync("taskset", ["-c", "1", "wrk", .. wrkArgs]) : RunCaptureAsync("wrk", wrkArgs);
        Task side = alongside?.Invoke(stop.Token) ?? Task.CompletedTask;
        string output = await (Task<string>)wrk;
        long after = CpuTicks(gateway.Pid);
        long steal = StealTicks() - stealBefore;
        await side;
        string Field(string name) => output.Split('\n').FirstOrDefault(l => l.StartsWith(name + " ", StringComparison.Ordinal))?[(name.Length + 1)..].Trim()
            ?? throw new InvalidOperationException("wrk printed no " + name + ":\n" + output);
        long requests = long.Parse(Field("REQS"), CultureInfo.InvariantCulture);
        double cpuSeconds = (after - before) / (double)ClockTicks;
        return new WrkResult(requests, requests / (double)seconds, long.Parse(Field("P50"), CultureInfo.InvariantCulture) / 1000.0,
            long.Parse(Field("P99"), CultureInfo.InvariantCulture) / 1000.0, long.Parse(Field("P999"), CultureInfo.InvariantCulture) / 1000.0, cpuSeconds * 1e6 / requests, long.Parse(Field("NON2XX"), CultureInfo.InvariantCulture),
            long.Parse(Field("ERRS"), CultureInfo.InvariantCulture), 100.0 * steal / ClockTicks / seconds / Environment.ProcessorCount, load + " → " + Scenarios.Uptime());
    }

    /// <summary>A warm writer child that has read the keyring; the function starts its window and waits for it to finish.</summary>
    private static async Task<(Process Warm, Func<CancellationToken, Task> Writer)> StartWarmWriterAsync(
        Setup setup, string action, string idsFile, int spare, int seconds, List<string> writes)
    {
        await File.WriteAllLinesAsync(idsFile, setup.Spare.Skip(spare).Take((seconds / 2) + 2).Select(s => s.Id));
        var start = new ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in (string[])[typeof(Processes).Assembly.Location, "writer", setup.Storage.BaseAddress.ToString(), setup.BigLocation, action, idsFile, seconds.ToString(CultureInfo.InvariantCulture)])
        {
            start.ArgumentList.Add(arg);
        }

        Process warm = Process.Start(start)!;
        string? ready = await warm.StandardOutput.ReadLineAsync();
        if (ready != "READY")
        {
            throw new InvalidOperationException("writer: " + ready + await warm.StandardError.ReadToEndAsync());
        }

        return (warm, async _ =>
        {
            await warm.StandardInput.WriteLineAsync("go");
            await warm.StandardInput.FlushAsync();
            Task<string> error = warm.StandardError.ReadToEndAsync();
            writes.Add((await warm.StandardOutput.ReadToEndAsync()).Trim() + (await error).Trim());
            await warm.WaitForExitAsync();
        });
    }

    /// <summary>CPU time of <paramref name="pid"/> in nanoseconds, exited threads included (utime + stime of /proc/PID/stat).</summary>
    private static double CpuNanoseconds(int pid) => CpuTicks(pid) * 1e9 / ClockTicks;

    /// <summary>utime + stime of <paramref name="pid"/>, in clock ticks (fields 14 and 15 of /proc/PID/stat).</summary>
    private static long CpuTicks(int pid)
    {
        string stat = File.ReadAllText($"/proc/{pid}/stat");
        string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
    }

    /// <summary>CPU time the hypervisor gave to others while this VM wanted it (the steal column of /proc/stat), in clock ticks.</summary>
    private static long StealTicks() => long.Parse(File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[8], CultureInfo.InvariantCulture);

    private static int ClockTicks { get; } = int.Parse(RunCaptureAsync("getconf", ["CLK_TCK"]).GetAwaiter().GetResult().Trim(), CultureInfo.InvariantCulture);

    private static Task<(int Exit, string Output)> RunCliAsync(Setup setup, string[] args) =>
        Scenarios.RunCaptureAsync("dotnet", [setup.Cli, .. args, "--keyring", setup.BigLocation], setup.Storage.BaseAddress.ToString());

    private static async Task<string> RunCaptureAsync(string file, string[] args) => (await Scenarios.RunCaptureAsync(file, args)).Output;

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static int Setting(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), CultureInfo.InvariantCulture, out int value) ? value : fallback;

    private static void Report(string line) => Scenarios.Report(line);

    // Each wrk thread has its own Lua state: it reads the keys file once and starts at its own offset.
    private const string RotateLua = """
        local requests = {}
        local next_index = 1
        local threads = 0
        function setup(thread)
          threads = threads + 1
          thread:set("offset", threads * 7919)
        end
        function init(args)
          for line in io.lines(args[1]) do
            requests[#requests + 1] = wrk.format("GET", "/things?key=" .. line)
          end
          next_index = (offset % #requests) + 1
        end
        function request()
          local r = requests[next_index]
          next_index = next_index % #requests + 1
          return r
        end
        function done(summary, latency, requests)
          local e = summary.errors
          io.write(string.format("REQS %d\nP50 %d\nP99 %d\nP999 %d\nNON2XX %d\nERRS %d\n", summary.requests,
            latency:percentile(50), latency:percentile(99), latency:percentile(99.9), e.status, e.connect + e.read + e.write + e.timeout))
        end
        """;

    private sealed record WrkResult(long Requests, double PerSecond, double P50Ms, double P99Ms, double P999Ms, double CpuMicrosecondsPerRequest, long Non2xx, long Errors, double StealPercent, string Load)
    {
        public override string ToString() => string.Create(CultureInfo.InvariantCulture,
            $"requests={Requests} rps={PerSecond:F0} p50ms={P50Ms:F2} p99ms={P99Ms:F2} p999ms={P999Ms:F2} gatewayCpuUsPerRequest={CpuMicrosecondsPerRequest:F1} non2xx={Non2xx} errors={Errors} steal={StealPercent:F1}% ({Load})");
    }
}
