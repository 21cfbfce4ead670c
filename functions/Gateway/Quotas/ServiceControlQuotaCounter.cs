using System.Collections.Concurrent;
using Portcullis.Gateway.Sources;
using Portcullis.GoogleCloud.ServiceControl;
using Portcullis.PolicyEngine.Quotas;

namespace Portcullis.Gateway.Quotas;

/// <summary>
/// Quota through Service Control <c>:allocateQuota</c>, as ESPv2 does it: a call is allowed at
/// once, its tokens are aggregated per consumer and operation and sent at most once a second
/// (failed calls fail open, as the API asks), and an exhausted answer refuses further calls.
/// Unlike ESPv2, an exhausted limit clears when its minute ends even with no traffic (ESPv2 stays
/// at 429 until a request triggers a refresh: esp-v2#499). Keyless calls are counted per instance.
/// </summary>
internal sealed class ServiceControlQuotaCounter(
    ServiceControlClient client,
    GatewaySources sources,
    TimeProvider time) : IQuotaCounter
{
    private static readonly TimeSpan s_sendEvery = TimeSpan.FromSeconds(1);
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly InstanceQuotaCounter _anonymous = new();

    public ValueTask<QuotaDecision> ConsumeAsync(QuotaCharge[] charges, DateTimeOffset now, string operation, CancellationToken cancellationToken)
    {
        string scope = charges[0].Scope;
        if (!scope.StartsWith("project:", StringComparison.Ordinal))
        {
            return _anonymous.ConsumeAsync(charges, now, operation, cancellationToken);
        }

        TimeSpan reset = QuotaPlan.WindowStart(now) + QuotaPlan.Window - now;
        Entry entry = _entries.GetOrAdd(scope + "\n" + operation, static _ => new Entry());
        Dictionary<string, long>? send = null;
        lock (entry)
        {
            if (entry.ExhaustedUntil > now)
            {
                return new ValueTask<QuotaDecision>(new QuotaDecision(false, charges[0], charges[0].Allowed, 0, entry.ExhaustedUntil - now));
            }

            foreach (QuotaCharge charge in charges)
            {
                entry.Pending[charge.Limit.Metric] = entry.Pending.GetValueOrDefault(charge.Limit.Metric) + charge.Cost;
            }

            if (!entry.Sending && now - entry.LastSent >= s_sendEvery)
            {
                entry.Sending = true;
                entry.LastSent = now;
                send = new Dictionary<string, long>(entry.Pending, StringComparer.Ordinal);
                entry.Pending.Clear();
            }
        }

        if (send is not null)
        {
            _ = AllocateAsync(entry, scope["project:".Length..], operation, send);
        }

        // Allowed at once; how much is left is Service Control's to know (no RateLimit headers).
        return new ValueTask<QuotaDecision>(new QuotaDecision(true, null, charges[0].Allowed, -1, reset));
    }

    private async Task AllocateAsync(Entry entry, string projectNumber, string operation, Dictionary<string, long> metrics)
    {
        (string? Code, string? Description)? answer = await client.AllocateQuotaAsync(
            sources.ServiceName, operation, "project_number:" + projectNumber, metrics, CancellationToken.None).ConfigureAwait(false);
        lock (entry)
        {
            entry.Sending = false;
            if (answer is { Code: "RESOURCE_EXHAUSTED" })
            {
                // Exhausted until the current window ends, not until traffic happens to refresh it.
                DateTimeOffset now = time.GetUtcNow();
                entry.ExhaustedUntil = QuotaPlan.WindowStart(now) + QuotaPlan.Window;
            }
        }
    }

    private sealed class Entry
    {
        public Dictionary<string, long> Pending { get; } = new(StringComparer.Ordinal);

        public DateTimeOffset LastSent { get; set; } = DateTimeOffset.MinValue;

        public DateTimeOffset ExhaustedUntil { get; set; } = DateTimeOffset.MinValue;

        public bool Sending { get; set; }
    }
}
