using Portcullis.PolicyEngine.Quotas;

namespace Portcullis.Gateway.Quotas;

/// <summary>Where quota is counted: per instance, or in Redis (exact across instances).</summary>
internal interface IQuotaCounter
{
    /// <summary>Takes the charges of one call of <paramref name="operation"/> (its method selector), all or nothing.</summary>
    ValueTask<QuotaDecision> ConsumeAsync(QuotaCharge[] charges, DateTimeOffset now, string operation, CancellationToken cancellationToken);
}
