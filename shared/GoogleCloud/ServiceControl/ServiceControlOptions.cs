namespace Portcullis.GoogleCloud.ServiceControl;

/// <summary>Service Control call settings: ESPv2's check defaults (1 s timeout, 3 retries) and an overall budget.</summary>
public sealed record ServiceControlOptions
{
    /// <summary>Timeout of one <c>:check</c> attempt.</summary>
    public TimeSpan CheckTimeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Retries after the first attempt, on 5xx and network failures (never on 4xx).</summary>
    public int CheckRetries { get; init; } = 3;

    /// <summary>The most one check may take, all attempts together: an outage never slows a request more.</summary>
    public TimeSpan CheckBudget { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Timeout of one <c>:report</c> call.</summary>
    public TimeSpan ReportTimeout { get; init; } = TimeSpan.FromSeconds(2);
}
