using System.IO.Compression;
using System.Text;
using Portcullis.GoogleCloud.Auth;
using Portcullis.GoogleCloud.Keyrings;
using Portcullis.GoogleCloud.SecretManager;
using Portcullis.PolicyEngine.Keys;
using Portcullis.Testing;

namespace Portcullis.GoogleCloud.Tests.Keyrings;

/// <summary>The Secret Manager keyring store against the fake Secret Manager, with tokens from the fake metadata server.</summary>
public sealed class SecretManagerKeyringStoreTests : IAsyncLifetime
{
    private const string Secret = "projects/test-project/secrets/keyring";
    private FakeSecretManager _fake = null!;

    public async Task InitializeAsync()
    {
        await FakeMetadataServer.GetSharedAsync();
        _fake = await FakeSecretManager.StartAsync();
        _fake.CreateSecret(Secret);
    }

    public async Task DisposeAsync() => await _fake.DisposeAsync();

    [Fact]
    public async Task WriteThenRead_RoundTrips_AliasPointsAtNewVersion()
    {
        SecretManagerKeyringStore store = Store();
        Assert.Null((await store.ReadAsync(default)).Content);

        Assert.True(await store.TryWriteAsync("{\"keys\":[]}", null, default));
        StoredDocument first = await store.ReadAsync(default);
        Assert.Equal("{\"keys\":[]}", first.Content);
        Assert.Equal("1", first.Version);

        Assert.False(await store.TryWriteAsync("{\"keys\":[1]}", null, default));
        Assert.True(await store.TryWriteAsync("{\"keys\":[]} ", "1", default));
        Assert.Equal(2, _fake.Alias(Secret, "current"));
    }

    [Fact]
    public async Task ConcurrentWriters_NoUpdateIsLost()
    {
        const int perWriter = 8;
        var created = new System.Collections.Concurrent.ConcurrentBag<string>();
        async Task WriterAsync()
        {
            SecretManagerKeyringStore store = Store();
            for (int i = 0; i < perWriter; i++)
            {
                string id = await KeyringUpdates.UpdateAsync(store, records =>
                {
                    KeyRecord record = Keyring.NewRecord(ApiKeys.Generate(), "c", DateTimeOffset.UtcNow);
                    records.Add(record);
                    return record.Id;
                }, default);
                created.Add(id);
            }
        }

        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(WriterAsync)));

        (Keyring keyring, _) = await KeyringUpdates.ReadAsync(Store(), default);
        Assert.Equal(3 * perWriter, keyring.Count);
        Assert.True(created.All(id => keyring.Records.Any(r => r.Id == id)));
    }

    [Fact]
    public async Task LargeKeyring_IsCompressed_AndReadBack()
    {
        string json = Keyring.Serialize(Enumerable.Range(0, 150).Select(i => Keyring.NewRecord(ApiKeys.Generate(), "consumer-" + i, DateTimeOffset.UtcNow)));
        Assert.True(Encoding.UTF8.GetByteCount(json) > Payloads.CompressAbove);

        Assert.True(await Store().TryWriteAsync(json, null, default));

        byte[] stored = _fake.AllPayloads().Single();
        Assert.Equal(0x1F, stored[0]);
        Assert.Equal(json, (await Store().ReadAsync(default)).Content);
    }

    [Fact]
    public async Task TooLargeEvenCompressed_IsRefusedClearly_AndNothingStored()
    {
        string json = Keyring.Serialize(Enumerable.Range(0, 2000).Select(i => Keyring.NewRecord(ApiKeys.Generate(), "consumer-" + i, DateTimeOffset.UtcNow)));

        PayloadTooLargeException e = await Assert.ThrowsAsync<PayloadTooLargeException>(() => Store().TryWriteAsync(json, null, default));

        Assert.Contains("at most 65536 bytes", e.Message, StringComparison.Ordinal);
        Assert.Empty(_fake.AllPayloads());
    }

    [Fact]
    public async Task CorruptVersion_IsRefusedByCrc32C()
    {
        _fake.AddCorruptVersion(Secret, Encoding.UTF8.GetBytes("{\"keys\":[]}"), "current");

        StoreException e = await Assert.ThrowsAsync<StoreException>(() => Store().ReadAsync(default));

        Assert.Contains("CRC32C", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("missing")]
    [InlineData("denied")]
    [InlineData("down")]
    public async Task Failures_AreClearStoreExceptions(string failure)
    {
        string secret = Secret;
        string expected;
        switch (failure)
        {
            case "missing":
                secret = "projects/test-project/secrets/nope";
                expected = "does not exist";
                break;
            case "denied":
                _fake.DenyPermission = true;
                expected = "roles/secretmanager.secretAccessor";
                break;
            default:
                _fake.Fail(503);
                expected = "failed (503)";
                break;
        }

        StoreException e = await Assert.ThrowsAsync<StoreException>(() => Store(secret).ReadAsync(default));

        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unreachable_IsAClearStoreException()
    {
        var client = new SecretManagerClient(new HttpClient { BaseAddress = new Uri("http://127.0.0.1:9/") }, new GoogleAccessTokenSource());

        StoreException e = await Assert.ThrowsAsync<StoreException>(() => new SecretManagerKeyringStore(client, Secret).ReadAsync(default));

        Assert.Contains("unreachable", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StoredPayloads_NeverContainARawKey()
    {
        var keys = new List<string>();
        for (int i = 0; i < 5; i++)
        {
            await KeyringUpdates.UpdateAsync(Store(), records =>
            {
                string key = ApiKeys.Generate();
                keys.Add(key);
                records.Add(Keyring.NewRecord(key, "c", DateTimeOffset.UtcNow));
                return 0;
            }, default);
        }

        foreach (byte[] payload in _fake.AllPayloads())
        {
            string text = payload.Length > 1 && payload[0] == 0x1F
                ? new StreamReader(new GZipStream(new MemoryStream(payload), CompressionMode.Decompress)).ReadToEnd()
                : Encoding.UTF8.GetString(payload);
            Assert.All(keys, key => Assert.DoesNotContain(key[4..], text, StringComparison.Ordinal));
        }
    }

    private SecretManagerKeyringStore Store(string secret = Secret) =>
        new(new SecretManagerClient(new HttpClient { BaseAddress = _fake.BaseAddress }, new GoogleAccessTokenSource()), secret);
}
