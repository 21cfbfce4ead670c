using System.Collections.Frozen;
using System.Text.Json;

namespace Portcullis.PolicyEngine.Keys;

/// <summary>
/// An immutable keyring snapshot: key hashes in a frozen dictionary. Checking a key hashes it
/// on the stack and looks the hash up; nothing is allocated.
/// </summary>
public sealed class Keyring
{
    private readonly FrozenDictionary<KeyDigest, KeyRecord> _byDigest;

    /// <summary>Creates a snapshot of <paramref name="records"/>.</summary>
    public Keyring(IEnumerable<KeyRecord> records)
    {
        _byDigest = records.ToFrozenDictionary(r => r.Digest);
        _hasImported = _byDigest.Values.Any(r => r.Imported);
    }

    private readonly bool _hasImported;

    /// <summary>An empty keyring.</summary>
    public static Keyring Empty { get; } = new([]);

    /// <summary>How many keys there are.</summary>
    public int Count => _byDigest.Count;

    /// <summary>The records.</summary>
    public IEnumerable<KeyRecord> Records => _byDigest.Values;

    /// <summary>Checks <paramref name="key"/> at time <paramref name="now"/>.</summary>
    public KeyCheck Check(ReadOnlySpan<char> key, DateTimeOffset now)
    {
        // A mistyped or made-up key fails its checksum: refused without hashing or lookup.
        if (!(ApiKeys.IsWellFormed(key) || (_hasImported && Sharded.ImportedKeys.IsAcceptable(key)))
            || !KeyDigest.TryCompute(key, out KeyDigest digest)
            || !_byDigest.TryGetValue(digest, out KeyRecord? record))
        {
            return KeyCheck.Unknown;
        }

        return Judge(record, now);
    }

    /// <summary>The verdict on a known key's record at time <paramref name="now"/>: revoked, expired or valid.</summary>
    public static KeyCheck Judge(KeyRecord record, DateTimeOffset now)
    {
        if (record.Revoked is { } revoked && revoked <= now)
        {
            return new KeyCheck(KeyVerdict.Revoked, record);
        }

        if (record.Expires is { } expires && expires <= now)
        {
            return new KeyCheck(KeyVerdict.Expired, record);
        }

        return new KeyCheck(KeyVerdict.Valid, record);
    }

    /// <summary>Parses a keyring document; every bad record is reported, none is half-loaded.</summary>
    public static Keyring? TryParse(string json, out IReadOnlyList<string> errors)
    {
        var problems = new List<string>();
        errors = problems;
        KeyringDocument? document;
        try
        {
            document = JsonSerializer.Deserialize(json, KeyringJsonContext.Default.KeyringDocument);
        }
        catch (JsonException e)
        {
            problems.Add($"keyring is not valid JSON: {e.Message}");
            return null;
        }

        if (document is null)
        {
            problems.Add("keyring is empty");
            return null;
        }

        if (document.Keys is null)
        {
            problems.Add("/keys: must be a list of key records");
            return null;
        }

        var records = new List<KeyRecord>(document.Keys.Count);
        var seen = new HashSet<KeyDigest>();
        for (int i = 0; i < document.Keys.Count; i++)
        {
            KeyRecordDocument? entry = document.Keys[i];
            if (entry is null)
            {
                problems.Add($"/keys/{i}: must be a key record, not null");
                continue;
            }

            if (!KeyDigest.TryParseHex(entry.Sha256, out KeyDigest digest))
            {
                problems.Add($"/keys/{i}/sha256: must be 64 hex characters");
                continue;
            }

            if (string.IsNullOrWhiteSpace(entry.Consumer))
            {
                problems.Add($"/keys/{i}/consumer: is required");
                continue;
            }

            if (!seen.Add(digest))
            {
                problems.Add($"/keys/{i}: the same key hash appears twice");
                continue;
            }

            records.Add(ToRecord(entry, digest, $"/keys/{i}", problems));
        }

        return problems.Count == 0 ? new Keyring(records) : null;
    }

    /// <summary>
    /// The record a stored entry describes (its hash and consumer already checked); problems with its
    /// restrictions or quota go to <paramref name="problems"/>, prefixed with <paramref name="where"/>.
    /// </summary>
    public static KeyRecord ToRecord(KeyRecordDocument entry, KeyDigest digest, string where, List<string> problems)
    {
        List<System.Net.IPNetwork>? networks = ParseNetworks(entry.Restrictions?.Ips, where, problems);
        if (entry.Quota?.Any(q => q.Value < 0) == true)
        {
            problems.Add($"{where}/quota: limits must be 0 or more");
        }

        return new KeyRecord(
            entry.Id ?? digest.ToKeyId(),
            digest,
            entry.Consumer ?? "",
            entry.Created,
            entry.Expires,
            entry.Revoked,
            entry.Labels ?? new Dictionary<string, string>())
        {
            AllowedOperations = entry.Restrictions?.Operations is { } ops ? ops.ToFrozenSet(StringComparer.Ordinal) : null,
            AllowedNetworks = networks,
            AllowedReferrers = entry.Restrictions?.Referrers?.Select(r => new ReferrerPattern(r)).ToArray(),
            Metadata = entry.Metadata,
            QuotaOverrides = entry.Quota,
            Imported = entry.Imported == true,
        };
    }

    private static List<System.Net.IPNetwork>? ParseNetworks(List<string>? texts, string where, List<string> problems)
    {
        if (texts is null)
        {
            return null;
        }

        var networks = new List<System.Net.IPNetwork>(texts.Count);
        foreach (string text in texts)
        {
            if (System.Net.IPNetwork.TryParse(text, out System.Net.IPNetwork network))
            {
                networks.Add(network);
            }
            else if (System.Net.IPAddress.TryParse(text, out System.Net.IPAddress? address))
            {
                networks.Add(new System.Net.IPNetwork(address, address.GetAddressBytes().Length * 8));
            }
            else
            {
                problems.Add($"{where}/restrictions/ips: '{text}' is not an IP address or CIDR network");
            }
        }

        return networks;
    }

    /// <summary>Serializes records into a keyring document (hashes only).</summary>
    public static string Serialize(IEnumerable<KeyRecord> records)
    {
        var document = new KeyringDocument
        {
            Keys = records.Select(ToDocument).ToList(),
        };
        return JsonSerializer.Serialize(document, KeyringJsonContext.Default.KeyringDocument);
    }

    /// <summary>A record as stored (its hash, never the key).</summary>
    public static KeyRecordDocument ToDocument(KeyRecord r) => new()
        {
            Id = r.Id,
            Sha256 = r.Digest.ToHex(),
            Consumer = r.Consumer,
            Created = r.Created,
            Expires = r.Expires,
            Revoked = r.Revoked,
            Labels = r.Labels.Count == 0 ? null : new Dictionary<string, string>(r.Labels),
            Metadata = r.Metadata is null ? null : new Dictionary<string, string>(r.Metadata),
            Quota = r.QuotaOverrides is null ? null : new Dictionary<string, long>(r.QuotaOverrides),
            Imported = r.Imported ? true : null,
            Restrictions = r.AllowedOperations is null && r.AllowedNetworks is null && r.AllowedReferrers is null
                ? null
                : new KeyRestrictionsDocument
                {
                    Operations = r.AllowedOperations?.Order(StringComparer.Ordinal).ToList(),
                    Ips = r.AllowedNetworks?.Select(n => n.ToString()).ToList(),
                    Referrers = r.AllowedReferrers?.Select(p => p.Text).ToList(),
                },
        };

    /// <summary>Makes a record for a freshly issued <paramref name="key"/> (the key itself is not kept).</summary>
    public static KeyRecord NewRecord(string key, string consumer, DateTimeOffset created, DateTimeOffset? expires = null)
    {
        if (!ApiKeys.IsWellFormed(key) || !KeyDigest.TryCompute(key, out KeyDigest digest))
        {
            throw new ArgumentException("Not a well-formed Portcullis key (ptc_, 30 base-62 characters, checksum).", nameof(key));
        }

        return new KeyRecord(digest.ToKeyId(), digest, consumer, created, expires, null, new Dictionary<string, string>());
    }
}
