using Portcullis.PolicyEngine.Keys;
using Portcullis.PolicyEngine.Keys.Sharded;

namespace Portcullis.GoogleCloud.Keyrings;

/// <summary>A keyring document (file or Secret Manager) edited record by record through <see cref="KeyringUpdates"/>.</summary>
public sealed class DocumentKeyringEditor(IKeyringStore store) : IKeyringEditor
{
    /// <inheritdoc />
    public string Location => store.Location;

    /// <inheritdoc />
    public async Task<KeyIndex> ReadAsync(CancellationToken cancellationToken)
    {
        (Keyring keyring, _) = await KeyringUpdates.ReadAsync(store, cancellationToken).ConfigureAwait(false);
        return KeyIndex.FromRecords(keyring.Records.OrderBy(r => r.Created).ThenBy(r => r.Id, StringComparer.Ordinal).ToList());
    }

    /// <inheritdoc />
    public Task<T> EditAsync<T>(Func<KeyringEdit, T> change, CancellationToken cancellationToken) =>
        KeyringUpdates.UpdateAsync(store, records =>
        {
            var edit = new KeyringEdit(KeyIndex.FromRecords(records));
            T result = change(edit);
            var positions = new Dictionary<KeyDigest, int>(records.Count);
            for (int i = 0; i < records.Count; i++)
            {
                positions[records[i].Digest] = i;
            }

            foreach (KeyRecord put in edit.Puts)
            {
                if (positions.TryGetValue(put.Digest, out int at))
                {
                    records[at] = put;
                }
                else
                {
                    records.Add(put);
                }
            }

            return result;
        }, cancellationToken);
}
