namespace Portcullis.PolicyEngine.Keys;

/// <summary>One key in a keyring. Holds the key's hash, never the key.</summary>
/// <param name="Id">Short, loggable id (a prefix of the hash).</param>
/// <param name="Digest">SHA-256 of the key.</param>
/// <param name="Consumer">Who the key belongs to; forwarded to the backend.</param>
/// <param name="Created">When the key was made.</param>
/// <param name="Expires">When it stops working (exclusive), if ever.</param>
/// <param name="Revoked">When it was revoked, if it was.</param>
/// <param name="Labels">Free-form labels.</param>
public sealed record KeyRecord(
    string Id,
    KeyDigest Digest,
    string Consumer,
    DateTimeOffset Created,
    DateTimeOffset? Expires,
    DateTimeOffset? Revoked,
    IReadOnlyDictionary<string, string> Labels)
{
    /// <summary>Whether the key was imported from another gateway (any printable 20–128 characters, not the <c>ptc_</c> format).</summary>
    public bool Imported { get; init; }

    /// <summary>OperationIds this key may call; null means every operation.</summary>
    public IReadOnlySet<string>? AllowedOperations { get; init; }

    /// <summary>Client networks the key may be used from; null means anywhere.</summary>
    public IReadOnlyList<System.Net.IPNetwork>? AllowedNetworks { get; init; }

    /// <summary>Referrers the key may be used from; null means any (and none).</summary>
    public IReadOnlyList<ReferrerPattern>? AllowedReferrers { get; init; }

    // Compact, and the default encoder escapes non-ASCII: the JSON goes into a header.
    private static readonly KeyringJsonContext s_compactJson = new(new System.Text.Json.JsonSerializerOptions());
    private readonly IReadOnlyDictionary<string, string>? _metadata;

    /// <summary>Free-form metadata (e.g. a plan) forwarded to the backend as JSON.</summary>
    public IReadOnlyDictionary<string, string>? Metadata
    {
        get => _metadata;
        init
        {
            _metadata = value;
            MetadataJson = value is null || value.Count == 0
                ? null
                : System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, string>(value), s_compactJson.DictionaryStringString);
        }
    }

    /// <summary><see cref="Metadata"/> as compact JSON (ASCII only, so it fits a header); null when there is none.</summary>
    public string? MetadataJson { get; private init; }

    /// <summary>Per-key quota limits (limit name → units per minute); such a limit counts for this key alone.</summary>
    public IReadOnlyDictionary<string, long>? QuotaOverrides { get; init; }

    /// <summary>Whether this key may call <paramref name="operationId"/>.</summary>
    public bool Allows(string operationId) => AllowedOperations is null || AllowedOperations.Contains(operationId);

    /// <summary>Checks the key's restrictions for one request.</summary>
    public KeyRefusal CheckRestrictions(System.Net.IPAddress? client, string? referer, string operationId)
    {
        if (AllowedNetworks is { } networks && (client is null || !networks.Any(n => n.Contains(client))))
        {
            return KeyRefusal.IpAddressBlocked;
        }

        if (AllowedReferrers is { } referrers && !referrers.Any(r => r.Matches(referer)))
        {
            return KeyRefusal.RefererBlocked;
        }

        return Allows(operationId) ? KeyRefusal.None : KeyRefusal.OperationBlocked;
    }
}
