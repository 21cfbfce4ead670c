namespace Portcullis.GoogleCloud.Keyrings;

/// <summary>Writes a file beside its target and renames it into place: readers see the old or the new file, never half.</summary>
internal static class AtomicFile
{
    public static async Task WriteAsync(string path, string content, CancellationToken cancellationToken)
    {
        string temp = $"{path}.tmp-{Environment.ProcessId}-{Guid.NewGuid():N}";
        try
        {
            await File.WriteAllTextAsync(temp, content, cancellationToken).ConfigureAwait(false);
            File.Move(temp, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            File.Delete(temp);
            throw new StoreException($"cannot write {path}: {e.Message}", e);
        }
    }
}
