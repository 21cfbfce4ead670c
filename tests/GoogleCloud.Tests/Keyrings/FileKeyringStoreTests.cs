using Portcullis.GoogleCloud.Keyrings;

namespace Portcullis.GoogleCloud.Tests.Keyrings;

public sealed class FileKeyringStoreTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("portcullis-file-store-").FullName;

    [Fact]
    public async Task TryWrite_CompareAndSwapOnContentVersion()
    {
        var store = new FileKeyringStore(Path.Combine(_directory, "sub", "keyring.json"));

        Assert.Equal(StoredDocument.Missing, await store.ReadAsync(default));
        Assert.True(await store.TryWriteAsync("one", null, default));
        StoredDocument read = await store.ReadAsync(default);
        Assert.False(await store.TryWriteAsync("two", null, default));
        Assert.False(await store.TryWriteAsync("two", "stale", default));
        Assert.True(await store.TryWriteAsync("two", read.Version, default));
        Assert.Equal("two", (await store.ReadAsync(default)).Content);
        Assert.Empty(Directory.GetFiles(Path.Combine(_directory, "sub"), "*.tmp-*"));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
