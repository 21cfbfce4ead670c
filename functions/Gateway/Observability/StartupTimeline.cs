using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Portcullis.Gateway.Observability;

/// <summary>
/// Where the gateway's start goes, as one log line when it listens: the wall-clock time <c>Main</c>
/// was entered (so a harness that knows when it started the process sees the runtime's own start),
/// then the milliseconds of each stage. On Cloud Run it is the start-up breakdown of every cold start,
/// next to the platform's <c>container/startup_latencies</c>. bench/coldstart.py reads it.
/// </summary>
internal static class StartupTimeline
{
    private static readonly Stopwatch s_clock = new();
    private static readonly StringBuilder s_stages = new();
    private static DateTime s_mainAt;
    private static long s_last;

    /// <summary>Entered <c>Main</c>.</summary>
    public static void Start()
    {
        s_mainAt = DateTime.UtcNow;
        s_clock.Start();
    }

    /// <summary>The stage that just ended (host, config, keyring, …) took the time since the previous mark.</summary>
    public static void Mark(string stage)
    {
        if (!s_clock.IsRunning)
        {
            return;
        }

        long now = s_clock.ElapsedTicks;
        s_stages.Append(CultureInfo.InvariantCulture, $"{(s_stages.Length == 0 ? "" : ", ")}{stage} {Ms(now - s_last)} ms");
        s_last = now;
    }

    /// <summary>Logs the line, once, when the listener is up.</summary>
    public static void Log(ILogger logger)
    {
        if (!s_clock.IsRunning)
        {
            return;
        }

        Mark("listen");
        GatewayLog.Started(logger, Ms(s_clock.ElapsedTicks), s_mainAt.ToString("O", CultureInfo.InvariantCulture), s_stages.ToString());
        s_clock.Reset();
    }

    private static string Ms(long ticks) => (ticks * 1000.0 / Stopwatch.Frequency).ToString("0.0", CultureInfo.InvariantCulture);
}
