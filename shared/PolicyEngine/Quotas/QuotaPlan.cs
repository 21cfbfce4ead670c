using Portcullis.PolicyEngine.Keys;
using Portcullis.PolicyEngine.Policy;

namespace Portcullis.PolicyEngine.Quotas;

/// <summary>
/// Which quota counters a call touches: every limit whose metric the operation costs, counted per
/// consumer (or per key, where the key has an override for that limit), in fixed one-minute windows.
/// </summary>
public static class QuotaPlan
{
    /// <summary>A quota window: one minute, aligned to the clock.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    /// <summary>The charges for one call; empty when the operation costs nothing.</summary>
    public static QuotaCharge[] For(ApiPolicy policy, ApiOperation operation, string consumer, KeyRecord? key)
    {
        if (operation.MetricCosts is not { } costs || policy.QuotaLimits.Count == 0)
        {
            return [];
        }

        var charges = new List<QuotaCharge>(policy.QuotaLimits.Count);
        foreach (QuotaLimit limit in policy.QuotaLimits)
        {
            if (!costs.TryGetValue(limit.Metric, out long cost))
            {
                continue;
            }

            charges.Add(key?.QuotaOverrides is { } overrides && overrides.TryGetValue(limit.Name, out long own)
                ? new QuotaCharge(limit, "key:" + key.Id, cost, own)
                : new QuotaCharge(limit, consumer, cost, limit.PerMinute));
        }

        return [.. charges];
    }

    /// <summary>The start of the window <paramref name="now"/> falls in.</summary>
    public static DateTimeOffset WindowStart(DateTimeOffset now) =>
        new(now.UtcTicks - (now.UtcTicks % Window.Ticks), TimeSpan.Zero);
}
