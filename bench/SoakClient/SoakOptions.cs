using System.Globalization;

namespace Portcullis.Soak;

/// <summary>What bench/soak passes in: where the gateway is, which process to watch, and the load to hold.</summary>
internal sealed record SoakOptions(
    Uri BaseAddress,
    string Key,
    int GatewayPid,
    string ReportPath,
    double Rate,
    TimeSpan Duration,
    int Connections,
    TimeSpan SampleInterval,
    TimeSpan Warmup,
    TimeSpan LateAfter)
{
    public static SoakOptions? Parse(string[] args)
    {
        if (args.Length != 4 || !int.TryParse(args[2], CultureInfo.InvariantCulture, out int pid))
        {
            return null;
        }

        return new SoakOptions(
            new Uri(args[0]),
            args[1],
            pid,
            args[3],
            Rate: Number("RATE", 1000),
            Duration: TimeSpan.FromMinutes(Number("MINUTES", 10)),
            Connections: (int)Number("CONNECTIONS", 16),
            SampleInterval: TimeSpan.FromSeconds(Number("SAMPLE_SECONDS", 10)),
            Warmup: TimeSpan.FromMinutes(Number("WARMUP_MINUTES", 1)),
            LateAfter: TimeSpan.FromMilliseconds(Number("LATE_MS", 5)));
    }

    private static double Number(string name, double fallback) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } text
            ? double.Parse(text, CultureInfo.InvariantCulture)
            : fallback;
}
