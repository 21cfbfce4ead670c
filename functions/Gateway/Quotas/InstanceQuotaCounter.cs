using Portcullis.PolicyEngine.Quotas;

namespace Portcullis.Gateway.Quotas;

/// <summary>Quota counted in this instance only (no dependency; N instances admit up to N × the limit).</summary>
internal sealed class InstanceQuotaCounter : IQuotaCounter
{
    public LocalQuotaCounter Counters { get; } = new();

    public ValueTask<QuotaDecision> ConsumeAsync(QuotaCharge[] charges, DateTimeOffset now, string operation, CancellationToken cancellationToken) =>
        new(Counters.Consume(charges, now));
}
