using System.Globalization;
using System.Text;

namespace Portcullis.Soak;

/// <summary>
/// The report body and the verdict against the soak goals: zero errors, flat memory
/// (RSS growth under 10 % from the end of warm-up to the end) and flat sockets.
/// </summary>
internal sealed class SoakReport
{
    private const double MaxRssGrowth = 0.10;

    private readonly SoakOptions _options;
    private readonly RequestKind[] _kinds;
    private readonly LoadCounters _counters;
    private readonly IReadOnlyList<IntervalSample> _samples;
    private readonly IntervalSample? _baseline;
    private readonly IntervalSample? _last;

    public SoakReport(SoakOptions options, RequestKind[] kinds, LoadCounters counters, IReadOnlyList<IntervalSample> samples)
    {
        (_options, _kinds, _counters, _samples) = (options, kinds, counters, samples);
        // Warm-up ends at WARMUP_MINUTES, or halfway through a run too short to have both.
        TimeSpan warmup = options.Warmup < options.Duration / 2 ? options.Warmup : options.Duration / 2;
        _baseline = samples.FirstOrDefault(s => s.Gateway is not null && s.Elapsed >= warmup - TimeSpan.FromSeconds(1));
        _last = samples.Count > 0 ? samples[^1] : null;
        Verdict = Judge(out bool passed);
        Passed = passed;
    }

    public bool Passed { get; }

    public string Verdict { get; }

    private double RssGrowth => _baseline?.Gateway is { } from && _last?.Gateway is { } to
        ? (double)(to.RssKb - from.RssKb) / from.RssKb
        : double.NaN;

    public string ToMarkdown()
    {
        var text = new StringBuilder();
        Line(text, $"Settings: RATE={_options.Rate} requests/s, MINUTES={_options.Duration.TotalMinutes}, CONNECTIONS={_options.Connections}, a sample every {_options.SampleInterval.TotalSeconds} s.");
        Line(text, $"Mix (GET): {string.Join(", ", _kinds.Select(k => $"{k.Percent} % {k.Name} → {k.ExpectedStatus}"))}. Any other status, a timeout (10 s) or an exception is an error.");
        Line(text, $"Open loop: request i is sent at i / RATE whatever the earlier ones are doing; it is late when the scheduler was more than {_options.LateAfter.TotalMilliseconds} ms behind or all {_options.Connections} connections were busy. Latency is from send to the whole response; achieved rps counts responses. CPU % is the gateway's (100 % = one core).");
        text.AppendLine();
        text.AppendLine("| t (m:ss) | RSS MB | sockets | fds | threads | gateway CPU % | achieved rps | p50 ms | p99 ms | errors | late |");
        text.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (IntervalSample s in _samples)
        {
            if (s.Gateway is { } g)
            {
                Line(text, $"| {s.Time} | {s.RssMb:0.0} | {g.Sockets} | {g.Fds} | {g.Threads} | {s.CpuPercent:0} | {s.AchievedRps:0} | {s.P50Ms:0.00} | {s.P99Ms:0.00} | {s.Errors} | {s.Late} |");
            }
            else
            {
                Line(text, $"| {s.Time} | gone | | | | | {s.AchievedRps:0} | {s.P50Ms:0.00} | {s.P99Ms:0.00} | {s.Errors} | {s.Late} |");
            }
        }

        long[] latency = _counters.Latency.Snapshot();
        text.AppendLine();
        Line(text, $"Totals: {_counters.Sent} requests sent ({_counters.Sent / _options.Duration.TotalSeconds:0} /s over the run); as expected: {string.Join(", ", _kinds.Select((k, i) => $"{k.Name} {_counters.Expected[i]}"))}.");
        Line(text, $"Errors: {_counters.Errors}{(_counters.ErrorsByKind.IsEmpty ? "" : " — " + string.Join(", ", _counters.ErrorsByKind.OrderByDescending(e => e.Value).Select(e => $"{e.Key}: {e.Value}")))}.");
        Line(text, $"Client CPU: {ClientCpuPercent():0} % of one core over the run.");
        Line(text, $"Late: {_counters.Late} ({Percent(_counters.Late, _counters.Sent)}). Latency over the whole run: p50 {Ms(latency, 50)}, p99 {Ms(latency, 99)}, p99.9 {Ms(latency, 99.9)}, max {Ms(latency, 100)} ms.");
        if (_baseline?.Gateway is { } from && _last?.Gateway is { } to)
        {
            Line(text, $"After warm-up ({_baseline.Time} → {_last.Time}): RSS {from.RssKb / 1024.0:0.0} → {to.RssKb / 1024.0:0.0} MB ({RssGrowth:+0.0%;-0.0%}), sockets {from.Sockets} → {to.Sockets} (max {MaxAfterBaseline(g => g.Sockets)}), fds {from.Fds} → {to.Fds}, threads {from.Threads} → {to.Threads} (max {MaxAfterBaseline(g => g.Threads)}).");
        }

        text.AppendLine();
        text.AppendLine(Verdict);
        return text.ToString();
    }

    private string Judge(out bool passed)
    {
        if (_baseline?.Gateway is not { } from || _last?.Gateway is not { } to)
        {
            passed = false;
            return "**Verdict: FAIL** — the gateway process was gone before the end (or no sample was taken).";
        }

        var failures = new List<string>();
        var met = new List<string>();
        (_counters.Errors == 0 ? met : failures).Add(_counters.Errors == 0 ? "zero errors" : $"{_counters.Errors} errors");
        double growth = RssGrowth;
        (growth < MaxRssGrowth ? met : failures).Add(Invariant($"{(growth < MaxRssGrowth ? "flat memory" : "memory grew")} ({growth:+0.0%;-0.0%} RSS, goal under {MaxRssGrowth:0%})"));
        // Sockets are flat when the end is within 10 % (at least 2) of the end of warm-up: the gateway's
        // client and backend connections come and go by one or two at a time.
        int socketSlack = Math.Max(2, from.Sockets / 10);
        bool flatSockets = to.Sockets - from.Sockets <= socketSlack;
        (flatSockets ? met : failures).Add($"{(flatSockets ? "flat sockets" : "sockets grew")} ({from.Sockets} → {to.Sockets})");
        passed = failures.Count == 0;
        string verdict = passed
            ? $"**Verdict: PASS** — {string.Join(", ", met)}."
            : $"**Verdict: FAIL** — {string.Join(", ", failures)}{(met.Count > 0 ? "; met: " + string.Join(", ", met) : "")}.";
        double achieved = _counters.Sent / _options.Duration.TotalSeconds;
        if (_counters.Late > _counters.Sent / 1000 || achieved < _options.Rate * 0.99)
        {
            verdict += $" Caveat: {Percent(_counters.Late, _counters.Sent)} of requests went out late (over {_options.LateAfter.TotalMilliseconds} ms behind schedule or queued for a connection): the load had bursts rather than a steady {_options.Rate} requests/s.";
        }

        return verdict;
    }

    private int MaxAfterBaseline(Func<ProcessSample, int> select) =>
        _samples.Where(s => s.Gateway is not null && s.Elapsed >= _baseline!.Elapsed).Max(s => select(s.Gateway!));

    private double ClientCpuPercent()
    {
        using var self = System.Diagnostics.Process.GetCurrentProcess();
        return self.TotalProcessorTime / _options.Duration * 100;
    }

    private static string Ms(long[] latency, double percentile) =>
        LatencyHistogram.PercentileMs(latency, null, percentile).ToString("0.00", CultureInfo.InvariantCulture);

    private static string Percent(long part, long whole) =>
        whole == 0 ? "0 %" : (100.0 * part / whole).ToString("0.00", CultureInfo.InvariantCulture) + " %";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static void Line(StringBuilder text, FormattableString line) => text.AppendLine(Invariant(line));
}
