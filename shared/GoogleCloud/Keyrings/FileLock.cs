namespace Portcullis.GoogleCloud.Keyrings;

/// <summary>An exclusive lock file shared by every local writer (CLI, deployer, tests), waited for up to 10 s.</summary>
internal static class FileLock
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(10);

    public static async Task<FileStream> AcquireAsync(string lockPath, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(lockPath))!);
        DateTime giveUp = DateTime.UtcNow + s_wait;
        while (true)
        {
            try
            {
                // The lock file stays: deleting it on close would let two writers lock two different inodes.
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
