using System.Globalization;
using Portcullis.GoogleCloud.SecretManager;

namespace Portcullis.GoogleCloud.Keyrings;

/// <summary>
/// A keyring in a Secret Manager secret. Each change is a new version; the <c>current</c> alias
/// names the live one and moves only under the secret's etag, so of two racing writers one wins
/// and the other re-reads and retries (see <see cref="KeyringUpdates"/>). A version that lost the
/// race is disabled. addVersion alone has no precondition, which is why the alias is the pointer.
/// </summary>
public sealed class SecretManagerKeyringStore(SecretManagerClient client, string secret) : IKeyringStore
{
    /// <summary>The alias that names the live keyring version.</summary>
    public const string Alias = "current";

    /// <inheritdoc />
    public string Location => SecretReference.Scheme + secret;

    /// <inheritdoc />
    public async Task<StoredDocument> ReadAsync(CancellationToken cancellationToken)
    {
        (_, IReadOnlyDictionary<string, long> aliases) = await client.GetSecretAsync(secret, cancellationToken).ConfigureAwait(false);
        if (!aliases.TryGetValue(Alias, out long version))
        {
            return StoredDocument.Missing;
        }

        string id = version.ToString(CultureInfo.InvariantCulture);
        byte[] payload = await client.AccessAsync(secret, id, cancellationToken).ConfigureAwait(false);
        return new StoredDocument(Payloads.Decode(payload, $"{Location} version {id}"), id);
    }

    /// <inheritdoc />
    public async Task<bool> TryWriteAsync(string content, string? expectedVersion, CancellationToken cancellationToken)
    {
        byte[] payload = Payloads.Encode(content, "the keyring");
        (string etag, IReadOnlyDictionary<string, long> aliases) = await client.GetSecretAsync(secret, cancellationToken).ConfigureAwait(false);
        string? current = aliases.TryGetValue(Alias, out long live) ? live.ToString(CultureInfo.InvariantCulture) : null;
        if (current != expectedVersion)
        {
            return false;
        }

        long added = await client.AddVersionAsync(secret, payload, cancellationToken).ConfigureAwait(false);
        var moved = new Dictionary<string, long>(aliases, StringComparer.Ordinal) { [Alias] = added };
        if (await client.TrySetAliasesAsync(secret, moved, etag, cancellationToken).ConfigureAwait(false))
        {
            return true;
        }

        try
        {
            await client.DisableVersionAsync(secret, added, cancellationToken).ConfigureAwait(false);
        }
        catch (StoreException)
        {
            // Only tidiness: the alias never pointed at it, so nobody reads it.
        }

        return false;
    }
}
