using System.Globalization;
using System.Text.Json;
using Portcullis.GoogleCloud.Keyrings;
using Portcullis.GoogleCloud.SecretManager;

namespace Portcullis.GoogleCloud.Configs;

/// <summary>
/// Configs in a Secret Manager secret: one version per deploy holding metadata and content
/// (gzip when large, refused over 64 KiB), and a <c>live</c> alias moved under the secret's etag.
/// A version that lost a race is disabled; a rollback only moves the alias.
/// </summary>
public sealed class SecretManagerConfigStore(SecretManagerClient client, string secret) : IConfigStore
{
    /// <summary>The alias that names the live config.</summary>
    public const string Alias = "live";

    /// <inheritdoc />
    public string Location => SecretReference.Scheme + secret;

    /// <inheritdoc />
    public async Task<ConfigVersion?> GetLiveAsync(CancellationToken cancellationToken)
    {
        (_, IReadOnlyDictionary<string, long> aliases) = await client.GetSecretAsync(secret, cancellationToken).ConfigureAwait(false);
        return aliases.TryGetValue(Alias, out long live)
            ? await ReadAsync(live, cancellationToken).ConfigureAwait(false)
            : null;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ConfigVersionInfo>> ListAsync(CancellationToken cancellationToken)
    {
        var infos = new List<ConfigVersionInfo>();
        foreach ((long version, string state) in await client.ListVersionsAsync(secret, 100, cancellationToken).ConfigureAwait(false))
        {
            if (state == "ENABLED")
            {
                infos.Add((await ReadAsync(version, cancellationToken).ConfigureAwait(false)).Info);
            }
        }

        return infos;
    }

    /// <inheritdoc />
    public async Task<ConfigVersionInfo?> TryDeployAsync(string content, ConfigVersionInfo info, string? expectedLive, CancellationToken cancellationToken)
    {
        (string etag, IReadOnlyDictionary<string, long> aliases) = await client.GetSecretAsync(secret, cancellationToken).ConfigureAwait(false);
        if (Live(aliases) != expectedLive)
        {
            return null;
        }

        // The version number is only known after adding, so the stored metadata leaves it out
        // and readers take it from the version's name.
        string json = JsonSerializer.Serialize(new StoredConfig(info with { Version = "" }, content), ConfigJsonContext.Default.StoredConfig);
        long added = await client.AddVersionAsync(secret, Payloads.Encode(json, "the config"), cancellationToken).ConfigureAwait(false);
        var moved = new Dictionary<string, long>(aliases, StringComparer.Ordinal) { [Alias] = added };
        if (await client.TrySetAliasesAsync(secret, moved, etag, cancellationToken).ConfigureAwait(false))
        {
            return info with { Version = added.ToString(CultureInfo.InvariantCulture) };
        }

        try
        {
            await client.DisableVersionAsync(secret, added, cancellationToken).ConfigureAwait(false);
        }
        catch (StoreException)
        {
            // Tidiness only: the alias never pointed at it.
        }

        return null;
    }

    /// <inheritdoc />
    public async Task<bool> TrySetLiveAsync(string version, string? expectedLive, CancellationToken cancellationToken)
    {
        if (!long.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out long number))
        {
            throw new StoreException($"{Location}: '{version}' is not a version number");
        }

        (string etag, IReadOnlyDictionary<string, long> aliases) = await client.GetSecretAsync(secret, cancellationToken).ConfigureAwait(false);
        if (Live(aliases) != expectedLive)
        {
            return false;
        }

        _ = await ReadAsync(number, cancellationToken).ConfigureAwait(false);
        var moved = new Dictionary<string, long>(aliases, StringComparer.Ordinal) { [Alias] = number };
        return await client.TrySetAliasesAsync(secret, moved, etag, cancellationToken).ConfigureAwait(false);
    }

    private static string? Live(IReadOnlyDictionary<string, long> aliases) =>
        aliases.TryGetValue(Alias, out long live) ? live.ToString(CultureInfo.InvariantCulture) : null;

    private async Task<ConfigVersion> ReadAsync(long version, CancellationToken cancellationToken)
    {
        string id = version.ToString(CultureInfo.InvariantCulture);
        string json = Payloads.Decode(await client.AccessAsync(secret, id, cancellationToken).ConfigureAwait(false), $"{Location} version {id}");
        StoredConfig stored;
        try
        {
            stored = JsonSerializer.Deserialize(json, ConfigJsonContext.Default.StoredConfig)
                ?? throw new StoreException($"{Location} version {id} is empty");
        }
        catch (JsonException e)
        {
            throw new StoreException($"{Location} version {id} is not a Portcullis config version", e);
        }

        return new ConfigVersion(stored.Info with { Version = id }, stored.Content);
    }
}
