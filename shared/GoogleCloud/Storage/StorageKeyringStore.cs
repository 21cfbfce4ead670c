using System.Security.Cryptography;
using System.Text.Json;
using Google.Cloud.Storage.V1;
using Portcullis.GoogleCloud.Keyrings;
using Portcullis.PolicyEngine.Keys;
using Portcullis.PolicyEngine.Keys.Sharded;

namespace Portcullis.GoogleCloud.Storage;

/// <summary>
/// A gs:// keyring as the <c>keys</c> commands change it. A change reads the manifest and its
/// shards, appends the changed records to the journal and writes the manifest under
/// <c>ifGenerationMatch</c> of the generation it read (0 for a new keyring). When the journal
/// grows past <see cref="JournalLimit"/> (or a bulk change is larger), the shards it touches are
/// rewritten as new objects (create-only, unique names) before the manifest that names them. A
/// writer that loses the race reads again and re-applies its change; a writer that dies before
/// the manifest write leaves only unreferenced shard objects, which no reader ever loads.
/// Shards a compaction replaces are listed in the manifest as retired and deleted by a later write
/// once <see cref="RetireAfter"/> has passed since the manifest that stopped naming them.
/// </summary>
public sealed class StorageKeyringStore(StorageClient client, StorageLocation location, TimeProvider? time = null) : IKeyringEditor
{
    /// <summary>
    /// How long a replaced shard is kept: a reader that fetched the manifest just before the
    /// replacement downloads the shards it names within one call timeout (30 s); this leaves a wide margin.
    /// </summary>
    public static readonly TimeSpan RetireAfter = TimeSpan.FromMinutes(10);

    /// <summary>Journal entries kept in the manifest before they are folded into the shards.</summary>
    public const int JournalLimit = 256;

    /// <summary>Records a shard aims at; the shard count is the smallest power of two that keeps under it.</summary>
    public const int ShardTarget = 4096;

    private readonly StorageKeyringReader _reader = new(client, location);
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <inheritdoc />
    public string Location => location.ToString();

    /// <summary>Where this keyring's shard objects are written, and the only place retired ones are deleted from.</summary>
    private string ShardPrefix => location.Prefix + "shards/";

    /// <summary>Reads the current keyring with its manifest generation.</summary>
    public async Task<KeyringSnapshot> ReadSnapshotAsync(CancellationToken cancellationToken) =>
        await _reader.PollAsync(null, cancellationToken).ConfigureAwait(false)
        ?? throw new StoreException($"{Location}: nothing read");

    /// <inheritdoc />
    public async Task<KeyIndex> ReadAsync(CancellationToken cancellationToken) =>
        (await ReadSnapshotAsync(cancellationToken).ConfigureAwait(false)).Index;

    /// <inheritdoc />
    public async Task<T> EditAsync<T>(Func<KeyringEdit, T> change, CancellationToken cancellationToken)
    {
        for (int attempt = 1; ; attempt++)
        {
            KeyringSnapshot snapshot = await ReadSnapshotAsync(cancellationToken).ConfigureAwait(false);
            var edit = new KeyringEdit(snapshot.Index);
            T result = change(edit);
            if (edit.Puts.Count == 0 || await TryWriteAsync(snapshot, edit.Puts, cancellationToken).ConfigureAwait(false))
            {
                return result;
            }

            if (attempt >= 20)
            {
                throw new StoreException($"{Location} kept changing under {attempt} attempts to update it; try again");
            }

            await Task.Delay(Random.Shared.Next(10, 100) * Math.Min(attempt, 5), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Writes the manifest that adds <paramref name="puts"/> to <paramref name="snapshot"/>; false when another writer got there first.</summary>
    private async Task<bool> TryWriteAsync(KeyringSnapshot snapshot, IReadOnlyCollection<KeyRecord> puts, CancellationToken cancellationToken)
    {
        var journal = new Dictionary<KeyDigest, KeyRecord>();
        foreach (KeyRecord changed in snapshot.Index.Journal)
        {
            journal[changed.Digest] = changed;
        }

        foreach (KeyRecord put in puts)
        {
            journal[put.Digest] = put;
        }

        KeyringManifest manifest = journal.Count <= JournalLimit
            ? new KeyringManifest { ShardBits = snapshot.Index.ShardBits, Shards = snapshot.Manifest.Shards }
            : await CompactAsync(snapshot, journal, cancellationToken).ConfigureAwait(false);
        manifest.Format = KeyringManifest.CurrentFormat;
        manifest.Updated = _time.GetUtcNow();
        manifest.Journal = manifest.Shards == snapshot.Manifest.Shards ? journal.Values.Select(Keyring.ToDocument).ToList() : [];
        manifest.Retired = await RetireAsync(snapshot.Manifest, manifest, cancellationToken).ConfigureAwait(false);
        byte[] body = JsonSerializer.SerializeToUtf8Bytes(manifest, StorageJsonContext.Default.KeyringManifest);
        return await StorageCalls.TryUploadAsync(client, location.Bucket, _reader.ManifestName, "application/json", body, snapshot.Generation, cancellationToken).ConfigureAwait(false) is not null;
    }

    /// <summary>
    /// The retired list of the manifest about to be written: the previous one's, plus the shards this
    /// write stops naming, minus those retired at least <see cref="RetireAfter"/> ago, which are deleted
    /// now. Deleting before the manifest write is safe: no manifest written since their retirement names
    /// them, and a write that then loses the race leaves them listed, so a later write finds them gone.
    /// Best effort: an object that cannot be deleted stays listed for the next write.
    /// </summary>
    private async Task<List<RetiredShard>> RetireAsync(KeyringManifest previous, KeyringManifest next, CancellationToken cancellationToken)
    {
        DateTimeOffset now = next.Updated;
        var named = next.Shards.Select(s => (s.Object, s.Generation)).ToHashSet();
        var retired = previous.Retired.Where(r => !named.Contains((r.Object, r.Generation))).ToList();
        retired.AddRange(previous.Shards
            .Where(s => !named.Contains((s.Object, s.Generation)))
            .Select(s => new RetiredShard { Object = s.Object, Generation = s.Generation, Retired = now }));

        // Only this keyring's own shard objects are ever deleted, whatever a manifest lists.
        var due = retired.Where(r => now - r.Retired >= RetireAfter && r.Object.StartsWith(ShardPrefix, StringComparison.Ordinal)).ToList();
        var kept = new List<RetiredShard>();
        await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (r, ct) =>
        {
            try
            {
                await StorageCalls.DeleteAsync(client, location.Bucket, r.Object, r.Generation, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (StorageCalls.IsStoreFailure(e, ct))
            {
                lock (kept)
                {
                    kept.Add(r);
                }
            }
        }).ConfigureAwait(false);
        return retired.Where(r => !due.Contains(r) || kept.Contains(r)).ToList();
    }

    /// <summary>Folds the journal into the shards it touches (all of them when the shard count changes) and uploads those as new objects.</summary>
    private async Task<KeyringManifest> CompactAsync(KeyringSnapshot snapshot, Dictionary<KeyDigest, KeyRecord> journal, CancellationToken cancellationToken)
    {
        KeyIndex index = snapshot.Index;
        int total = index.Count + journal.Keys.Count(d => index.Find(d) is null);
        int bits = 0;
        while (bits < 12 && total > ShardTarget << bits)
        {
            bits++;
        }

        var byShard = new List<KeyRecord>?[1 << bits];
        HashSet<int> touched = bits == index.ShardBits
            ? journal.Keys.Select(d => d.TopBits(bits)).ToHashSet()
            : Enumerable.Range(0, 1 << bits).ToHashSet();
        foreach (KeyRecord changed in journal.Values)
        {
            (byShard[changed.Digest.TopBits(bits)] ??= []).Add(changed);
        }

        IEnumerable<KeyShard> sources = bits == index.ShardBits
            ? touched.Select(t => index.Shards[t]).OfType<KeyShard>()
            : index.Shards.OfType<KeyShard>();
        foreach (KeyShard shard in sources)
        {
            foreach (KeyRecord record in shard.Records())
            {
                if (!journal.ContainsKey(record.Digest))
                {
                    (byShard[record.Digest.TopBits(bits)] ??= []).Add(record);
                }
            }
        }

        var entries = new List<ShardEntry>();
        if (bits == index.ShardBits)
        {
            entries.AddRange(snapshot.Manifest.Shards.Where(s => !touched.Contains(s.Index)));
        }

        string run = Guid.NewGuid().ToString("N")[..12];
        var uploads = new List<ShardEntry>();
        await Parallel.ForEachAsync(touched, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (i, ct) =>
        {
            if (byShard[i] is not { Count: > 0 } records)
            {
                return;
            }

            byte[] data = KeyShard.Encode(bits, i, records);
            string name = $"{ShardPrefix}{bits:d2}-{i:x4}-{run}.bin";

            // Create-only under a name nobody else uses: a rerun never overwrites a shard a manifest names.
            long generation = await StorageCalls.TryUploadAsync(client, location.Bucket, name, "application/octet-stream", data, 0, ct).ConfigureAwait(false)
                ?? throw new StoreException($"{Location}: shard {name} already exists");
            var entry = new ShardEntry
            {
                Index = i,
                Object = name,
                Generation = generation,
                Count = records.Count,
                Size = data.Length,
                Sha256 = Convert.ToHexStringLower(SHA256.HashData(data)),
            };
            lock (uploads)
            {
                uploads.Add(entry);
            }
        }).ConfigureAwait(false);
        entries.AddRange(uploads);
        entries.Sort((a, b) => a.Index.CompareTo(b.Index));
        return new KeyringManifest { ShardBits = bits, Shards = entries };
    }
}
