using Portcullis.PolicyEngine.Quotas;

namespace Portcullis.Gateway.Quotas;

/// <summary>Where quota is counted: per instance, or in Redis (exact across instances).</summary>
internal interface IQuotaCounter
{
    /// <summary>Takes the charges of one call, all or nothing.</summary>
    ValueTask<QuotaDecision> ConsumeAsync(QuotaCharge[] charges, DateTimeOffset now, CancellationToken cancellationToken);
}
