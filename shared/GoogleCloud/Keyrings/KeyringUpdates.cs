using Portcullis.PolicyEngine.Keys;

namespace Portcullis.GoogleCloud.Keyrings;

/// <summary>Read-modify-write of a keyring with compare-and-swap and retry on conflict.</summary>
public static class KeyringUpdates
{
    /// <summary>Reads the keyring from a store (an empty one when nothing is stored yet).</summary>
    public static async Task<(Keyring Keyring, string? Version)> ReadAsync(IKeyringStore store, CancellationToken cancellationToken)
    {
        StoredDocument stored = await store.ReadAsync(cancellationToken).ConfigureAwait(false);
        if (stored.Content is null)
        {
            return (Keyring.Empty, null);
        }

        Keyring keyring = Keyring.TryParse(stored.Content, out IReadOnlyList<string> errors)
            ?? throw new StoreException($"{store.Location} is not a valid keyring: {string.Join("; ", errors)}");
        return (keyring, stored.Version);
    }

    /// <summary>
    /// Applies <paramref name="change"/> to the current records and writes the result; on a
    /// concurrent write, reads again and re-applies, so no update is lost.
    /// </summary>
    public static async Task<T> UpdateAsync<T>(
        IKeyringStore store,
        Func<List<KeyRecord>, T> change,
        CancellationToken cancellationToken,
        int attempts = 20)
    {
        for (int attempt = 1; ; attempt++)
        {
            (Keyring keyring, string? version) = await ReadAsync(store, cancellationToken).ConfigureAwait(false);
            var records = keyring.Records.OrderBy(r => r.Created).ThenBy(r => r.Id, StringComparer.Ordinal).ToList();
            T result = change(records);
            if (await store.TryWriteAsync(Keyring.Serialize(records), version, cancellationToken).ConfigureAwait(false))
            {
                return result;
            }

            if (attempt >= attempts)
            {
                throw new StoreException($"{store.Location} kept changing under {attempts} attempts to update it; try again");
            }

            await Task.Delay(Random.Shared.Next(5, 50), cancellationToken).ConfigureAwait(false);
        }
    }
}
