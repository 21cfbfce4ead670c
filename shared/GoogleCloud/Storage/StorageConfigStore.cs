using System.Globalization;
using System.Text;
using System.Text.Json;
using Google.Cloud.Storage.V1;
using Portcullis.GoogleCloud.Configs;
using Portcullis.GoogleCloud.Keyrings;

namespace Portcullis.GoogleCloud.Storage;

/// <summary>
/// <c>gs://BUCKET/PREFIX</c> as a config store: each version's text in its own create-only object
/// (<c>versions/N-RANDOM.yaml</c>), and <c>configs.json</c> listing them and naming the live one.
/// Deploys and rollbacks replace <c>configs.json</c> under <c>ifGenerationMatch</c>, so of two
/// racing deployers one wins and the other sees a conflict. Reading the live config is one
/// conditional read when nothing changed (the last answer is kept).
/// </summary>
public sealed class StorageConfigStore(StorageClient client, StorageLocation location) : IConfigStore
{
    private readonly Lock _cacheLock = new();
    private (long Generation, ConfigVersion? Live) _cache = (-1, null);

    private string IndexName => location.Prefix + "configs.json";

    /// <inheritdoc />
    public string Location => location.ToString();

    /// <inheritdoc />
    public async Task<ConfigVersion?> GetLiveAsync(CancellationToken cancellationToken)
    {
        (long cachedGeneration, ConfigVersion? cached) = _cache;
        StorageCalls.Downloaded? read = await StorageCalls.DownloadAsync(
            client, location.Bucket, IndexName, cachedGeneration > 0 ? cachedGeneration : null, null, null, cancellationToken).ConfigureAwait(false);
        if (read is null)
        {
            return null;
        }

        if (read.NotModified)
        {
            return cached;
        }

        ConfigIndex index = Parse(read.Data);
        ConfigVersion? live = null;
        if (index.Live is { } version)
        {
            ConfigIndexEntry entry = index.Versions.FirstOrDefault(v => v.Info?.Version == version)
                ?? throw new StoreException($"{Location}configs.json: live version {version} is not listed");
            StorageCalls.Downloaded text = await StorageCalls.DownloadAsync(
                client, location.Bucket, entry.Object, null, entry.Generation, null, cancellationToken).ConfigureAwait(false)
                ?? throw new StoreException($"{Location}: the text of version {version} ({entry.Object}) is missing");
            live = new ConfigVersion(entry.Info!, Encoding.UTF8.GetString(text.Data));
        }

        lock (_cacheLock)
        {
            _cache = (read.Generation, live);
        }

        return live;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ConfigVersionInfo>> ListAsync(CancellationToken cancellationToken)
    {
        (ConfigIndex index, _) = await ReadIndexAsync(cancellationToken).ConfigureAwait(false);
        return index.Versions.Select(v => v.Info!).Reverse().ToList();
    }

    /// <inheritdoc />
    public async Task<ConfigVersionInfo?> TryDeployAsync(string content, ConfigVersionInfo info, string? expectedLive, CancellationToken cancellationToken)
    {
        (ConfigIndex index, long generation) = await ReadIndexAsync(cancellationToken).ConfigureAwait(false);
        if (index.Live != expectedLive)
        {
            return null;
        }

        long next = index.Versions.Select(v => long.Parse(v.Info!.Version, CultureInfo.InvariantCulture)).DefaultIfEmpty(0).Max() + 1;
        string version = next.ToString(CultureInfo.InvariantCulture);
        ConfigVersionInfo stored = info with { Version = version };

        // A unique name: a deployer that loses the race below leaves an unlisted object, never one a later deploy collides with.
        string name = $"{location.Prefix}versions/{version}-{Guid.NewGuid().ToString("N")[..8]}.yaml";
        long textGeneration = await StorageCalls.TryUploadAsync(client, location.Bucket, name, "application/yaml", Encoding.UTF8.GetBytes(content), 0, cancellationToken).ConfigureAwait(false)
            ?? throw new StoreException($"{Location}: {name} already exists");
        index.Versions.Add(new ConfigIndexEntry { Info = stored, Object = name, Generation = textGeneration });
        index.Live = version;
        return await TryWriteIndexAsync(index, generation, cancellationToken).ConfigureAwait(false) ? stored : null;
    }

    /// <inheritdoc />
    public async Task<bool> TrySetLiveAsync(string version, string? expectedLive, CancellationToken cancellationToken)
    {
        (ConfigIndex index, long generation) = await ReadIndexAsync(cancellationToken).ConfigureAwait(false);
        if (index.Live != expectedLive)
        {
            return false;
        }

        if (index.Versions.All(v => v.Info?.Version != version))
        {
            throw new StoreException($"{Location}: there is no version {version}");
        }

        index.Live = version;
        return await TryWriteIndexAsync(index, generation, cancellationToken).ConfigureAwait(false);
    }

    private async Task<(ConfigIndex Index, long Generation)> ReadIndexAsync(CancellationToken cancellationToken)
    {
        StorageCalls.Downloaded? read = await StorageCalls.DownloadAsync(client, location.Bucket, IndexName, null, null, null, cancellationToken).ConfigureAwait(false);
        return read is null ? (new ConfigIndex(), 0) : (Parse(read.Data), read.Generation);
    }

    private async Task<bool> TryWriteIndexAsync(ConfigIndex index, long generation, CancellationToken cancellationToken)
    {
        byte[] body = JsonSerializer.SerializeToUtf8Bytes(index, StorageJsonContext.Default.ConfigIndex);
        return await StorageCalls.TryUploadAsync(client, location.Bucket, IndexName, "application/json", body, generation, cancellationToken).ConfigureAwait(false) is not null;
    }

    private ConfigIndex Parse(byte[] data)
    {
        try
        {
            ConfigIndex? index = JsonSerializer.Deserialize(data, StorageJsonContext.Default.ConfigIndex);
            if (index is null || index.Versions.Any(v => v.Info is null || !long.TryParse(v.Info.Version, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
            {
                throw new StoreException($"{Location}configs.json: every version needs info with a numeric version");
            }

            return index;
        }
        catch (JsonException e)
        {
            throw new StoreException($"{Location}configs.json is not valid JSON: {e.Message}", e);
        }
    }
}
