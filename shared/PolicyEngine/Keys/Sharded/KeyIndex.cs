using System.Collections.Frozen;

namespace Portcullis.PolicyEngine.Keys.Sharded;

/// <summary>
/// An immutable snapshot of a sharded keyring: one <see cref="KeyShard"/> per value of the first
/// <see cref="ShardBits"/> hash bits, plus the journal of recent changes as a small frozen
/// dictionary that takes precedence. A change to one key builds a new index that shares every
/// shard with the old one, so swapping it in costs the journal, not the keyring.
/// </summary>
public sealed class KeyIndex
{
    private readonly KeyShard?[] _shards;
    private readonly FrozenDictionary<KeyDigest, KeyRecord> _journal;
    private readonly bool _hasImported;

    /// <summary>Builds an index over <paramref name="shards"/> (null: an empty shard) and <paramref name="journal"/>.</summary>
    public KeyIndex(int shardBits, KeyShard?[] shards, IEnumerable<KeyRecord> journal)
    {
        if (shards.Length != 1 << shardBits)
        {
            throw new ArgumentException($"A {shardBits}-bit split has {1 << shardBits} shards, not {shards.Length}.", nameof(shards));
        }

        ShardBits = shardBits;
        _shards = shards;
        _journal = journal.ToFrozenDictionary(r => r.Digest);
        _hasImported = shards.Any(s => s?.HasImported == true) || _journal.Values.Any(r => r.Imported);
        int added = _journal.Keys.Count(d => _shards[d.TopBits(shardBits)]?.Contains(d) != true);
        Count = shards.Sum(s => s?.Count ?? 0) + added;
    }

    /// <summary>An empty index.</summary>
    public static KeyIndex Empty { get; } = new(0, [null], []);

    /// <summary>How many hash bits pick the shard.</summary>
    public int ShardBits { get; }

    /// <summary>How many keys there are.</summary>
    public int Count { get; }

    /// <summary>The shards (null entries are empty).</summary>
    public IReadOnlyList<KeyShard?> Shards => _shards;

    /// <summary>The journal entries.</summary>
    public IEnumerable<KeyRecord> Journal => _journal.Values;

    /// <summary>An index of <paramref name="records"/> in one shard with an empty journal (document keyrings, tests).</summary>
    public static KeyIndex FromRecords(IReadOnlyCollection<KeyRecord> records)
    {
        byte[] encoded = KeyShard.Encode(0, 0, records);
        KeyShard shard = KeyShard.TryLoad(encoded, 0, 0, out string? error) ?? throw new ArgumentException(error, nameof(records));
        return new KeyIndex(0, [shard], []);
    }

    /// <summary>Checks <paramref name="key"/> at time <paramref name="now"/>, with the same verdicts as <see cref="Keyring.Check"/>.</summary>
    public KeyCheck Check(ReadOnlySpan<char> key, DateTimeOffset now)
    {
        // A mistyped or made-up key fails its checksum: refused unhashed, unless imported keys (no checksum) are present.
        if (!(ApiKeys.IsWellFormed(key) || (_hasImported && ImportedKeys.IsAcceptable(key)))
            || !KeyDigest.TryCompute(key, out KeyDigest digest)
            || Find(digest) is not { } record)
        {
            return KeyCheck.Unknown;
        }

        return Keyring.Judge(record, now);
    }

    /// <summary>The record of <paramref name="digest"/>, or null.</summary>
    public KeyRecord? Find(in KeyDigest digest)
    {
        if (_journal.Count > 0 && _journal.TryGetValue(digest, out KeyRecord? changed))
        {
            return changed;
        }

        return _shards[digest.TopBits(ShardBits)]?.Find(digest);
    }

    /// <summary>Every record, journal first (decoded afresh: for the CLI, not the request path).</summary>
    public IEnumerable<KeyRecord> Records()
    {
        foreach (KeyRecord changed in _journal.Values)
        {
            yield return changed;
        }

        foreach (KeyShard? shard in _shards)
        {
            if (shard is null)
            {
                continue;
            }

            foreach (KeyRecord record in shard.Records())
            {
                if (!_journal.ContainsKey(record.Digest))
                {
                    yield return record;
                }
            }
        }
    }

    /// <summary>
    /// Up to <paramref name="size"/> records from <paramref name="token"/> on (null: the start), in
    /// shard order and then the keys only the journal holds; <paramref name="next"/> is null after the
    /// last page. Decodes only the page, so a page costs the same at a million keys as at ten.
    /// </summary>
    public List<KeyRecord> Page(string? token, int size, out string? next)
    {
        (int shard, int position) = ParseToken(token);
        var page = new List<KeyRecord>(Math.Min(size, 4096));
        next = null;
        for (; shard < _shards.Length; shard++, position = 0)
        {
            if (_shards[shard] is not { } s)
            {
                continue;
            }

            for (; position < s.Count; position++)
            {
                if (page.Count == size)
                {
                    next = $"{shard}.{position}";
                    return page;
                }

                KeyRecord stored = s.RecordAt(position);
                page.Add(_journal.TryGetValue(stored.Digest, out KeyRecord? changed) ? changed : stored);
            }
        }

        KeyRecord[] journalOnly = _journal.Values.Where(r => _shards[r.Digest.TopBits(ShardBits)]?.Contains(r.Digest) != true).ToArray();
        for (; position < journalOnly.Length; position++)
        {
            if (page.Count == size)
            {
                next = $"{_shards.Length}.{position}";
                return page;
            }

            page.Add(journalOnly[position]);
        }

        return page;
    }

    private static (int Shard, int Position) ParseToken(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return (0, 0);
        }

        int dot = token.IndexOf('.', StringComparison.Ordinal);
        if (dot < 0
            || !int.TryParse(token.AsSpan(0, dot), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int shard)
            || !int.TryParse(token.AsSpan(dot + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int position))
        {
            throw new FormatException($"'{token}' is not a page token from keys list");
        }

        return (shard, position);
    }
}
