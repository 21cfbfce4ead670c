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
    private static readonly TimeSpan s_lockWait = TimeSpan.FromSeconds(10);

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
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        // The lock file stays: deleting it on close would let two writers lock two different inodes.
        await using FileStream lockFile = await AcquireLockAsync(full + ".lock", cancellationToken).ConfigureAwait(false);

        StoredDocument current = await ReadAsync(cancellationToken).ConfigureAwait(false);
        if (current.Version != expectedVersion)
        {
            return false;
        }

        string temp = $"{full}.tmp-{Environment.ProcessId}-{Guid.NewGuid():N}";
        try
        {
            await File.WriteAllTextAsync(temp, content, cancellationToken).ConfigureAwait(false);
            File.Move(temp, full, overwrite: true);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            File.Delete(temp);
            throw new StoreException($"cannot write {path}: {e.Message}", e);
        }
    }

    /// <summary>The version of a content: its SHA-256.</summary>
    public static string VersionOf(string content) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(content)));

    private static async Task<FileStream> AcquireLockAsync(string lockPath, CancellationToken cancellationToken)
    {
        DateTime giveUp = DateTime.UtcNow + s_lockWait;
        while (true)
        {
            try
            {
                return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < giveUp)
            {
                await Task.Delay(20, cancellationToken).ConfigureAwait(false);
            }
            catch (IOException e)
            {
                throw new StoreException($"another writer holds {lockPath}", e);
            }
        }
    }
}
