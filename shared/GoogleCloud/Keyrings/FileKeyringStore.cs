using System.Security.Cryptography;
using System.Text;

namespace Portcullis.GoogleCloud.Keyrings;

/// <summary>
/// A keyring in a local file. A write takes an exclusive lock file, checks the content is still
/// the version that was read, writes a temp file beside it and renames it over the old one, so a
/// reader never sees half a keyring and two CLI writers never lose an update.
/// </summary>
public sealed class FileKeyringStore(string path) : IKeyringStore
{
    /// <inheritdoc />
    public string Location => path;

    /// <inheritdoc />
    public async Task<StoredDocument> ReadAsync(CancellationToken cancellationToken)
    {
        try
        {
            string content = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
            return new StoredDocument(content, VersionOf(content));
        }
        catch (FileNotFoundException)
        {
            return StoredDocument.Missing;
        }
        catch (DirectoryNotFoundException)
        {
            return StoredDocument.Missing;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StoreException($"cannot read {path}: {e.Message}", e);
        }
    }

    /// <inheritdoc />
    public async Task<bool> TryWriteAsync(string content, string? expectedVersion, CancellationToken cancellationToken)
    {
        string full = Path.GetFullPath(path);
        await using FileStream lockFile = await FileLock.AcquireAsync(full + ".lock", cancellationToken).ConfigureAwait(false);
        StoredDocument current = await ReadAsync(cancellationToken).ConfigureAwait(false);
        if (current.Version != expectedVersion)
        {
            return false;
        }

        await AtomicFile.WriteAsync(full, content, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>The version of a content: its SHA-256.</summary>
    public static string VersionOf(string content) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(content)));
}
