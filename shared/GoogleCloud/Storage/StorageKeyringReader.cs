using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using Google.Cloud.Storage.V1;
using Portcullis.GoogleCloud.Keyrings;
using Portcullis.PolicyEngine.Keys;
using Portcullis.PolicyEngine.Keys.Sharded;

namespace Portcullis.GoogleCloud.Storage;

/// <summary>
/// Loads a gs:// keyring and keeps it current. A poll is one conditional read of the manifest
/// (<c>ifGenerationNotMatch</c>: a 304 when nothing changed). A new manifest fetches only the shard
/// objects it names that are not already held (by name and generation), checks each one's size,
/// SHA-256 and records, and shares the unchanged shards with the previous index. Anything that
/// does not check out throws <see cref="StoreException"/>: the caller keeps its last good index.
/// </summary>
public sealed class StorageKeyringReader(StorageClient client, StorageLocation location)
{
    private const int ParallelDownloads = 16;
    private ConcurrentDictionary<(string Name, long Generation), KeyShard> _held = new();

    /// <summary>The keyring's location.</summary>
    public StorageLocation Location { get; } = location;

    /// <summary>The manifest's object name.</summary>
    public string ManifestName => Location.Prefix + "manifest.json";

    /// <summary>
    /// Reads the keyring if its manifest generation is not <paramref name="knownGeneration"/>.
    /// Returns null when nothing changed; a snapshot with generation 0 when there is no manifest.
    /// </summary>
    public async Task<KeyringSnapshot?> PollAsync(long? knownGeneration, CancellationToken cancellationToken)
    {
        StorageCalls.Downloaded? manifestObject = await StorageCalls.DownloadAsync(
            client, Location.Bucket, ManifestName, knownGeneration, null, null, cancellationToken).ConfigureAwait(false);
        if (manifestObject is null)
        {
            return knownGeneration == 0 ? null : new KeyringSnapshot(KeyIndex.Empty, new KeyringManifest { Format = KeyringManifest.CurrentFormat }, 0);
        }

        if (manifestObject.NotModified)
        {
            return null;
        }

        KeyringManifest manifest = ParseManifest(manifestObject.Data, manifestObject.Generation);
        KeyIndex index = await BuildIndexAsync(manifest, cancellationToken).ConfigureAwait(false);
        return new KeyringSnapshot(index, manifest, manifestObject.Generation);
    }

    private KeyringManifest ParseManifest(byte[] data, long generation)
    {
        string where = $"{Location}manifest.json (generation {generation})";
        KeyringManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize(data, StorageJsonContext.Default.KeyringManifest);
        }
        catch (JsonException e)
        {
            throw new StoreException($"{where} is not valid JSON: {e.Message}", e);
        }

        if (manifest is null || manifest.Format != KeyringManifest.CurrentFormat)
        {
            throw new StoreException($"{where} is not a {KeyringManifest.CurrentFormat} manifest");
        }

        if (manifest.ShardBits is < 0 or > 12
            || manifest.Shards.Any(s => s.Index < 0 || s.Index >= 1 << manifest.ShardBits || s.Size < 0 || !s.Object.StartsWith(Location.Prefix, StringComparison.Ordinal))
            || manifest.Shards.Select(s => s.Index).Distinct().Count() != manifest.Shards.Count)
        {
            throw new StoreException($"{where} names shards that do not fit its {manifest.ShardBits}-bit split");
        }

        return manifest;
    }

    private async Task<KeyIndex> BuildIndexAsync(KeyringManifest manifest, CancellationToken cancellationToken)
    {
        var shards = new KeyShard?[1 << manifest.ShardBits];
        var next = new ConcurrentDictionary<(string, long), KeyShard>();
        await Parallel.ForEachAsync(manifest.Shards, new ParallelOptions { MaxDegreeOfParallelism = ParallelDownloads, CancellationToken = cancellationToken }, async (entry, ct) =>
        {
            if (!_held.TryGetValue((entry.Object, entry.Generation), out KeyShard? shard))
            {
                shard = await LoadShardAsync(manifest.ShardBits, entry, ct).ConfigureAwait(false);
            }

            shards[entry.Index] = shard;
            next[(entry.Object, entry.Generation)] = shard;
        }).ConfigureAwait(false);

        var journal = new List<KeyRecord>(manifest.Journal.Count);
        var problems = new List<string>();
        for (int i = 0; i < manifest.Journal.Count; i++)
        {
            KeyRecordDocument entry = manifest.Journal[i];
            if (!KeyDigest.TryParseHex(entry.Sha256, out KeyDigest digest) || string.IsNullOrWhiteSpace(entry.Consumer))
            {
                problems.Add($"/journal/{i}: needs sha256 (64 hex characters) and consumer");
                continue;
            }

            journal.Add(Keyring.ToRecord(entry, digest, $"/journal/{i}", problems));
        }

        if (problems.Count > 0)
        {
            throw new StoreException($"{Location}manifest.json: {string.Join("; ", problems)}");
        }

        var index = new KeyIndex(manifest.ShardBits, shards, journal);

        // Only what the newest index uses stays held.
        _held = next;
        return index;
    }

    private async Task<KeyShard> LoadShardAsync(int bits, ShardEntry entry, CancellationToken cancellationToken)
    {
        // The exact generation the manifest names: a shard replaced under the same name is refused, not mixed in.
        // Checked against the manifest's SHA-256 below, so the client's CRC32C pass over the same bytes is skipped.
        StorageCalls.Downloaded downloaded = await StorageCalls.DownloadAsync(
            client, Location.Bucket, entry.Object, null, entry.Generation, entry.Size, cancellationToken, validate: false).ConfigureAwait(false)
            ?? throw new StoreException($"{Location}: shard {entry.Object} (generation {entry.Generation}) is missing");
        string where = $"{Location}: shard {entry.Object}";
        if (!string.Equals(Convert.ToHexStringLower(SHA256.HashData(downloaded.Data)), entry.Sha256, StringComparison.Ordinal))
        {
            throw new StoreException($"{where}: its SHA-256 does not match the manifest");
        }

        KeyShard shard = KeyShard.TryLoad(downloaded.Data, bits, entry.Index, out string? error)
            ?? throw new StoreException($"{where}: {error}");
        return shard.Count == entry.Count ? shard : throw new StoreException($"{where}: {shard.Count} records, the manifest says {entry.Count}");
    }
}
