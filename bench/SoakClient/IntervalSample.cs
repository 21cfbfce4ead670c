namespace Portcullis.Soak;

/// <summary>One row of the report: the gateway at the end of an interval and what the client saw during it.</summary>
internal sealed record IntervalSample(
    TimeSpan Elapsed,
    ProcessSample? Gateway,
    double CpuPercent,
    double AchievedRps,
    double P50Ms,
    double P99Ms,
    long Errors,
    long Late)
{
    public double RssMb => Gateway is null ? double.NaN : Gateway.RssKb / 1024.0;

    public string Time
    {
        get
        {
            // Samples land a few ms after their mark; 0:19.998 should read 0:20.
            long seconds = (long)Math.Round(Elapsed.TotalSeconds);
            return $"{seconds / 60}:{seconds % 60:00}";
        }
    }
}
