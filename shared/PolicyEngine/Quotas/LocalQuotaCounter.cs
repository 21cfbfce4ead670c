using System.Collections.Concurrent;

namespace Portcullis.PolicyEngine.Quotas;

/// <summary>
/// Per-instance quota counters: fixed one-minute windows, lock-free. A call's charges are taken
/// all or nothing: each counter is incremented, and if any goes over its limit every increment
/// is undone, so a limit is never over-admitted (under contention a call may be refused that a
/// strictly serial order would have let through). N instances admit at most N × the limit.
/// </summary>
public sealed class LocalQuotaCounter
{
    private readonly ConcurrentDictionary<string, StrongBoxCounter> _counters = new(StringComparer.Ordinal);
    private long _window;

    /// <summary>How many counters are held (current and, briefly, the previous window).</summary>
    public int Count => _counters.Count;

    /// <summary>Takes <paramref name="charges"/> at time <paramref name="now"/>.</summary>
    public QuotaDecision Consume(ReadOnlySpan<QuotaCharge> charges, DateTimeOffset now)
    {
        DateTimeOffset start = QuotaPlan.WindowStart(now);
        TimeSpan reset = start + QuotaPlan.Window - now;
        Prune(start.UtcTicks);
        long limit = long.MaxValue;
        long remaining = long.MaxValue;
        var taken = new StrongBoxCounter[charges.Length];
        for (int i = 0; i < charges.Length; i++)
        {
            QuotaCharge charge = charges[i];
            StrongBoxCounter counter = _counters.GetOrAdd(Key(charge, start.UtcTicks), static _ => new StrongBoxCounter());
            long value = Interlocked.Add(ref counter.Value, charge.Cost);
            taken[i] = counter;
            if (value > charge.Allowed)
            {
                for (int j = 0; j <= i; j++)
                {
                    Interlocked.Add(ref taken[j].Value, -charges[j].Cost);
                }

                return new QuotaDecision(false, charge, charge.Allowed, Math.Max(0, charge.Allowed - (value - charge.Cost)), reset);
            }

            if (charge.Allowed - value < remaining)
            {
                remaining = charge.Allowed - value;
                limit = charge.Allowed;
            }
        }

        return new QuotaDecision(true, null, limit, remaining, reset);
    }

    /// <summary>The counter's name: scope, limit and window.</summary>
    internal static string Key(QuotaCharge charge, long windowTicks) => $"{charge.Scope}\n{charge.Limit.Name}\n{windowTicks}";

    private void Prune(long window)
    {
        long known = Interlocked.Read(ref _window);
        if (window <= known || Interlocked.CompareExchange(ref _window, window, known) != known)
        {
            return;
        }

        string suffix = "\n" + window.ToString(System.Globalization.CultureInfo.InvariantCulture);
        foreach (string key in _counters.Keys)
        {
            if (!key.EndsWith(suffix, StringComparison.Ordinal))
            {
                _counters.TryRemove(key, out _);
            }
        }
    }

    private sealed class StrongBoxCounter
    {
        public long Value;
    }
}
