using Portcullis.PolicyEngine.Keys.Sharded;

namespace Portcullis.GoogleCloud.Keyrings;

/// <summary>
/// A keyring the <c>keys</c> commands read and change record by record: a document keyring (file,
/// Secret Manager) or a sharded gs:// keyring. Changes are compare-and-swap on what was read and
/// retried on a conflict, so racing writers never lose a key.
/// </summary>
public interface IKeyringEditor
{
    /// <summary>Where the keyring is, for messages.</summary>
    string Location { get; }

    /// <summary>Reads the keyring (empty when nothing is stored yet).</summary>
    Task<KeyIndex> ReadAsync(CancellationToken cancellationToken);

    /// <summary>Runs <paramref name="change"/> on the current keyring and writes its puts; on a concurrent write, reads again and re-runs it.</summary>
    Task<T> EditAsync<T>(Func<KeyringEdit, T> change, CancellationToken cancellationToken);
}
