namespace Portcullis.GoogleCloud.ServiceControl;

/// <summary>The result of one key check.</summary>
/// <param name="Outcome">Valid, check error, unavailable or failed.</param>
/// <param name="ErrorCode"><c>checkErrors[0].code</c> for <see cref="CheckOutcome.CheckError"/>.</param>
/// <param name="ConsumerType"><c>consumerInfo.type</c> (e.g. PROJECT) when valid.</param>
/// <param name="ConsumerNumber"><c>consumerInfo.consumerNumber</c> when valid.</param>
/// <param name="Message">For failures: ESPv2's message, without the gRPC prefix.</param>
public sealed record CheckResult(CheckOutcome Outcome, string? ErrorCode = null, string? ConsumerType = null, string? ConsumerNumber = null, string? Message = null)
{
    /// <summary>Whether the cache may keep this answer (only real answers are cached, never transport failures).</summary>
    public bool IsCacheable => Outcome is CheckOutcome.Valid or CheckOutcome.CheckError;
}
