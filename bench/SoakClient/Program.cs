// The client half of bench/soak: holds RATE requests/s (open loop) against a running gateway for MINUTES,
// samples the gateway process every SAMPLE_SECONDS, and writes the report body (markdown) to REPORT.
// Usage: Portcullis.Soak BASE_URL KEY GATEWAY_PID REPORT   (settings from the environment: see bench/soak)
// Exit code: 0 when the goals are met, 1 when not, 2 on bad usage.
using System.Diagnostics;
using System.Globalization;
using Portcullis.Soak;

if (SoakOptions.Parse(args) is not { } options)
{
    await Console.Error.WriteLineAsync("usage: Portcullis.Soak BASE_URL KEY GATEWAY_PID REPORT");
    return 2;
}

RequestKind[] kinds = RequestKind.Mix(options.BaseAddress, options.Key);
var counters = new LoadCounters(kinds.Length);
using var handler = new SocketsHttpHandler
{
    MaxConnectionsPerServer = options.Connections,
    UseProxy = false,
    UseCookies = false,
    AllowAutoRedirect = false,
    PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
};
using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(10) };
var generator = new LoadGenerator(client, kinds, counters, options);

const double ClockTicksPerSecond = 100; // USER_HZ on Linux
var samples = new List<IntervalSample>();
long start = Stopwatch.GetTimestamp();
Task load = generator.RunAsync(start);

ProcessSample? previousProcess = ProcessSample.Read(options.GatewayPid);
long[] previousLatency = counters.Latency.Snapshot();
long previousCompleted = 0, previousErrors = 0, previousLate = 0;
TimeSpan previousElapsed = TimeSpan.Zero;
int intervals = (int)Math.Round(options.Duration / options.SampleInterval);
for (int i = 1; i <= intervals; i++)
{
    TimeSpan wait = (options.SampleInterval * i) - Stopwatch.GetElapsedTime(start);
    if (wait > TimeSpan.Zero)
    {
        await Task.Delay(wait);
    }

    TimeSpan elapsed = Stopwatch.GetElapsedTime(start);
    ProcessSample? process = ProcessSample.Read(options.GatewayPid);
    long[] latency = counters.Latency.Snapshot();
    long completed = counters.Completed, errors = counters.Errors, late = counters.Late;
    double seconds = (elapsed - previousElapsed).TotalSeconds;
    double cpu = process is null || previousProcess is null
        ? double.NaN
        : (process.CpuTicks - previousProcess.CpuTicks) / ClockTicksPerSecond / seconds * 100;
    var sample = new IntervalSample(
        elapsed,
        process,
        cpu,
        (completed - previousCompleted) / seconds,
        LatencyHistogram.PercentileMs(latency, previousLatency, 50),
        LatencyHistogram.PercentileMs(latency, previousLatency, 99),
        errors - previousErrors,
        late - previousLate);
    samples.Add(sample);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{sample.Time}  rss {sample.RssMb:0.0} MB  sockets {process?.Sockets}  fds {process?.Fds}  threads {process?.Threads}  cpu {cpu:0}%  {sample.AchievedRps:0} rps  p50 {sample.P50Ms:0.00} ms  p99 {sample.P99Ms:0.00} ms  errors {sample.Errors}  late {sample.Late}"));
    (previousProcess, previousLatency, previousCompleted, previousErrors, previousLate, previousElapsed) =
        (process ?? previousProcess, latency, completed, errors, late, elapsed);
}

await load;
var report = new SoakReport(options, kinds, counters, samples);
await File.WriteAllTextAsync(options.ReportPath, report.ToMarkdown());
Console.WriteLine(report.Verdict);
return report.Passed ? 0 : 1;
