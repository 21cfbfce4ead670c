using System.Globalization;
using Portcullis.PolicyEngine.Keys;
using Portcullis.PolicyEngine.Keys.Sharded;

namespace Portcullis.GoogleCloud.Keyrings;

/// <summary>
/// One change to a keyring, computed against the version that was read: look records up, then
/// <see cref="Put"/> new or changed ones. The store writes the puts only if nobody else wrote in
/// between; otherwise it reads again and runs the change again.
/// </summary>
public sealed class KeyringEdit(KeyIndex current)
{
    private readonly Dictionary<KeyDigest, KeyRecord> _puts = [];

    /// <summary>The keyring as read.</summary>
    public KeyIndex Current => current;

    /// <summary>The records put so far, in order of their first put.</summary>
    public IReadOnlyCollection<KeyRecord> Puts => _puts.Values;

    /// <summary>Adds or replaces the record with <paramref name="record"/>'s hash.</summary>
    public void Put(KeyRecord record) => _puts[record.Digest] = record;

    /// <summary>The record of <paramref name="digest"/> (including this edit's puts), or null.</summary>
    public KeyRecord? Find(KeyDigest digest) => _puts.TryGetValue(digest, out KeyRecord? put) ? put : current.Find(digest);

    /// <summary>The record with key id <paramref name="id"/>, or null. A standard id (a hash prefix) reads one shard, not the keyring.</summary>
    public KeyRecord? FindById(string id)
    {
        foreach (KeyRecord put in _puts.Values)
        {
            if (put.Id == id)
            {
                return put;
            }
        }

        foreach (KeyRecord changed in current.Journal)
        {
            if (changed.Id == id)
            {
                return changed;
            }
        }

        IEnumerable<KeyRecord> candidates = current.Records();
        if (id.Length == 12 && int.TryParse(id.AsSpan(0, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int top))
        {
            int shard = current.ShardBits == 0 ? 0 : top >> (16 - current.ShardBits);
            if (current.Shards[shard] is { } s && s.Records().FirstOrDefault(r => r.Id == id) is { } hit && current.Find(hit.Digest) is { } live && live.Id == id)
            {
                return live;
            }
        }

        return candidates.FirstOrDefault(r => r.Id == id);
    }

    /// <summary>Every record as this edit would leave it (puts first).</summary>
    public IEnumerable<KeyRecord> Records()
    {
        foreach (KeyRecord put in _puts.Values)
        {
            yield return put;
        }

        foreach (KeyRecord record in current.Records())
        {
            if (!_puts.ContainsKey(record.Digest))
            {
                yield return record;
            }
        }
    }
}
