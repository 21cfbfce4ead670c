namespace Portcullis.GoogleCloud.Keyrings;

/// <summary>
/// Where a keyring document lives: a local file or a Secret Manager secret. Writes are
/// compare-and-swap on the version that was read, so two writers never lose an update.
/// </summary>
public interface IKeyringStore
{
    /// <summary>Where the store is, for messages.</summary>
    string Location { get; }

    /// <summary>Reads the current document; <see cref="StoredDocument.Missing"/> when there is none yet.</summary>
    Task<StoredDocument> ReadAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Writes <paramref name="content"/> if the stored version is still <paramref name="expectedVersion"/>
    /// (null: only if nothing is stored yet). Returns false on a conflict; throws <see cref="StoreException"/> on failure.
    /// </summary>
    Task<bool> TryWriteAsync(string content, string? expectedVersion, CancellationToken cancellationToken);
}
