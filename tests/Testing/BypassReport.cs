namespace Portcullis.Testing;

/// <summary>What a bypass run sent and saw: statuses by count, backend hits by operation, and every violation.</summary>
public sealed class BypassReport
{
    public long Seed { get; init; }

    public long Cases { get; set; }

    public TimeSpan Elapsed { get; set; }

    public SortedDictionary<int, long> Statuses { get; } = [];

    public SortedDictionary<string, long> Hits { get; } = new(StringComparer.Ordinal);

    /// <summary>Forwarded requests whose target on the wire differed from the path the backend received (normalization did work).</summary>
    public long RewrittenHits { get; set; }

    public long ProtectedHits { get; set; }

    public long PublicHits { get; set; }

    public List<string> Violations { get; } = [];

    public double CasesPerSecond => Cases / Math.Max(Elapsed.TotalSeconds, 1e-9);

    public string Summary() =>
        $"seed {Seed}: {Cases} cases in {Elapsed.TotalSeconds:F1} s ({CasesPerSecond:F0}/s); backend hits {PublicHits} public, "
        + $"{ProtectedHits} protected ({RewrittenHits} after normalization); statuses "
        + string.Join(", ", Statuses.Select(s => $"{s.Key}: {s.Value}")) + $"; violations {Violations.Count}";
}
