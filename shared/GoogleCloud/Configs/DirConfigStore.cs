using System.Globalization;
using System.Text.Json;
using Portcullis.GoogleCloud.Keyrings;

namespace Portcullis.GoogleCloud.Configs;

/// <summary>
/// <c>dir:PATH</c>: <c>versions/N.yaml</c> + <c>versions/N.json</c> (metadata) and a <c>live</c>
/// file naming the live version. Every file is written beside and renamed into place, and every
/// change holds <c>.lock</c>, so readers never see a half-written config.
/// </summary>
public sealed class DirConfigStore(string directory) : IConfigStore
{
    private string Versions => Path.Combine(directory, "versions");

    private string LivePointer => Path.Combine(directory, "live");

    /// <inheritdoc />
    public string Location => "dir:" + directory;

    /// <inheritdoc />
    public async Task<ConfigVersion?> GetLiveAsync(CancellationToken cancellationToken)
    {
        string? live = await ReadLiveAsync(cancellationToken).ConfigureAwait(false);
        if (live is null)
        {
            return null;
        }

        try
        {
            string content = await File.ReadAllTextAsync(Path.Combine(Versions, live + ".yaml"), cancellationToken).ConfigureAwait(false);
            return new ConfigVersion(await ReadInfoAsync(live, cancellationToken).ConfigureAwait(false), content);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StoreException($"{Location}: cannot read live version {live}: {e.Message}", e);
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ConfigVersionInfo>> ListAsync(CancellationToken cancellationToken)
    {
        if (!Directory.Exists(Versions))
        {
            return [];
        }

        var infos = new List<ConfigVersionInfo>();
        foreach (long number in Numbers().OrderDescending())
        {
            infos.Add(await ReadInfoAsync(number.ToString(CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false));
        }

        return infos;
    }

    /// <inheritdoc />
    public async Task<ConfigVersionInfo?> TryDeployAsync(string content, ConfigVersionInfo info, string? expectedLive, CancellationToken cancellationToken)
    {
        await using FileStream _ = await FileLock.AcquireAsync(Path.Combine(directory, ".lock"), cancellationToken).ConfigureAwait(false);
        if (await ReadLiveAsync(cancellationToken).ConfigureAwait(false) != expectedLive)
        {
            return null;
        }

        Directory.CreateDirectory(Versions);
        long next = Numbers().DefaultIfEmpty(0).Max() + 1;
        string version = next.ToString(CultureInfo.InvariantCulture);
        ConfigVersionInfo stored = info with { Version = version };
        await AtomicFile.WriteAsync(Path.Combine(Versions, version + ".yaml"), content, cancellationToken).ConfigureAwait(false);
        await AtomicFile.WriteAsync(Path.Combine(Versions, version + ".json"), JsonSerializer.Serialize(stored, ConfigJsonContext.Default.ConfigVersionInfo), cancellationToken).ConfigureAwait(false);
        await AtomicFile.WriteAsync(LivePointer, version, cancellationToken).ConfigureAwait(false);
        return stored;
    }

    /// <inheritdoc />
    public async Task<bool> TrySetLiveAsync(string version, string? expectedLive, CancellationToken cancellationToken)
    {
        await using FileStream _ = await FileLock.AcquireAsync(Path.Combine(directory, ".lock"), cancellationToken).ConfigureAwait(false);
        if (await ReadLiveAsync(cancellationToken).ConfigureAwait(false) != expectedLive)
        {
            return false;
        }

        if (!File.Exists(Path.Combine(Versions, version + ".yaml")))
        {
            throw new StoreException($"{Location}: there is no version {version}");
        }

        await AtomicFile.WriteAsync(LivePointer, version, cancellationToken).ConfigureAwait(false);
        return true;
    }

    private async Task<string?> ReadLiveAsync(CancellationToken cancellationToken)
    {
        try
        {
            return (await File.ReadAllTextAsync(LivePointer, cancellationToken).ConfigureAwait(false)).Trim();
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StoreException($"{Location}: cannot read the live pointer: {e.Message}", e);
        }
    }

    private async Task<ConfigVersionInfo> ReadInfoAsync(string version, CancellationToken cancellationToken)
    {
        string json = await File.ReadAllTextAsync(Path.Combine(Versions, version + ".json"), cancellationToken).ConfigureAwait(false);
        return JsonSerializer.Deserialize(json, ConfigJsonContext.Default.ConfigVersionInfo)
            ?? throw new StoreException($"{Location}: version {version} has no metadata");
    }

    private IEnumerable<long> Numbers() =>
        Directory.EnumerateFiles(Versions, "*.yaml")
            .Select(f => long.TryParse(Path.GetFileNameWithoutExtension(f), NumberStyles.None, CultureInfo.InvariantCulture, out long n) ? n : -1)
            .Where(n => n > 0);
}
