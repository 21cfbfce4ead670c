using System.Net;
using System.Text;
using Portcullis.GoogleCloud.Keyrings;
using Portcullis.GoogleCloud.Storage;
using Portcullis.PolicyEngine.Keys;
using Portcullis.PolicyEngine.Keys.Sharded;
using Portcullis.Testing;

namespace Portcullis.GoogleCloud.Tests.Storage;

/// <summary>The gs:// keyring (manifest, shards, journal) against the Cloud Storage fake.</summary>
public sealed class StorageKeyringStoreTests : IAsyncLifetime
{
    private const string Bucket = "keys-bucket";
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 0, 0, 0, TimeSpan.Zero);
    private FakeCloudStorage _fake = null!;
    private StorageLocation _location = null!;

    public async Task InitializeAsync()
    {
        _fake = await FakeCloudStorage.StartAsync();
        _location = StorageLocation.Parse($"gs://{Bucket}/prod/keyring");
    }

    public async Task DisposeAsync() => await _fake.DisposeAsync();

    private StorageKeyringStore NewStore() => new(CloudStorage.CreateClient(_fake.BaseAddress), _location);

    private StorageKeyringReader NewReader() => new(CloudStorage.CreateClient(_fake.BaseAddress), _location);

    private static (string Key, KeyRecord Record) NewKey(string consumer)
    {
        string key = ApiKeys.Generate();
        return (key, Keyring.NewRecord(key, consumer, Now));
    }

    [Fact]
    public async Task EmptyPrefix_IsAnEmptyKeyring_FirstEditCreatesIt()
    {
        StorageKeyringStore store = NewStore();
        Assert.Equal(0, (await store.ReadAsync(default)).Count);

        (string key, KeyRecord record) = NewKey("alice");
        await store.EditAsync(edit => { edit.Put(record); return 0; }, default);

        Assert.Equal(["prod/keyring/manifest.json"], _fake.Names(Bucket));
        KeyIndex index = await store.ReadAsync(default);
        Assert.Equal(KeyVerdict.Valid, index.Check(key, Now).Verdict);
        Assert.Equal("alice", index.Check(key, Now).Record!.Consumer);
    }

    [Fact]
    public async Task Poll_NothingChanged_IsOneConditionalRead()
    {
        StorageKeyringStore store = NewStore();
        await store.EditAsync(edit => { edit.Put(NewKey("a").Record); return 0; }, default);
        StorageKeyringReader reader = NewReader();
        KeyringSnapshot first = (await reader.PollAsync(null, default))!;
        _fake.TakeLog();

        Assert.Null(await reader.PollAsync(first.Generation, default));

        string poll = Assert.Single(_fake.TakeLog());
        Assert.StartsWith($"GET /storage/v1/b/{Bucket}/o/prod%2Fkeyring%2Fmanifest.json?", poll);
        Assert.Contains("alt=media", poll);
        Assert.Contains($"ifGenerationNotMatch={first.Generation}", poll);
    }

    [Fact]
    public async Task Compaction_WritesShards_AndAOneKeyChangeReadsOnlyTheManifest()
    {
        StorageKeyringStore store = NewStore();
        var keys = Enumerable.Range(0, StorageKeyringStore.JournalLimit + 50).Select(i => NewKey($"c{i}")).ToList();
        await store.EditAsync(edit => { keys.ForEach(k => edit.Put(k.Record)); return 0; }, default);
        Assert.Contains(_fake.Names(Bucket), n => n.StartsWith("prod/keyring/shards/", StringComparison.Ordinal));
        StorageKeyringReader reader = NewReader();
        KeyringSnapshot loaded = (await reader.PollAsync(null, default))!;
        Assert.Equal(keys.Count, loaded.Index.Count);
        Assert.Empty(loaded.Index.Journal);
        Assert.All(keys, k => Assert.Equal(KeyVerdict.Valid, loaded.Index.Check(k.Key, Now).Verdict));

        string revokedId = keys[7].Record.Id;
        await store.EditAsync(edit => { edit.Put(edit.FindById(revokedId)! with { Revoked = Now }); return 0; }, default);
        _fake.TakeLog();
        KeyringSnapshot changed = (await reader.PollAsync(loaded.Generation, default))!;

        Assert.Single(_fake.TakeLog());
        Assert.Equal(KeyVerdict.Revoked, changed.Index.Check(keys[7].Key, Now).Verdict);
        Assert.Equal(KeyVerdict.Valid, changed.Index.Check(keys[8].Key, Now).Verdict);
        Assert.Same(loaded.Index.Shards.First(s => s is not null), changed.Index.Shards.First(s => s is not null));
    }

    [Fact]
    public async Task RacingWriters_NeverLoseAKey()
    {
        var keys = Enumerable.Range(0, 8).Select(w => Enumerable.Range(0, 4).Select(i => NewKey($"w{w}-{i}")).ToList()).ToList();

        await Task.WhenAll(keys.Select(batch => Task.Run(async () =>
        {
            StorageKeyringStore store = NewStore();
            foreach ((_, KeyRecord record) in batch)
            {
                await store.EditAsync(edit => { edit.Put(record); return 0; }, default);
            }
        })));

        KeyIndex index = await NewStore().ReadAsync(default);
        Assert.Equal(32, index.Count);
        Assert.All(keys.SelectMany(b => b), k => Assert.Equal(KeyVerdict.Valid, index.Check(k.Key, Now).Verdict));
    }

    [Fact]
    public async Task CrashedWriter_HalfUploadAndOrphanShards_AreNeverLoaded()
    {
        StorageKeyringStore store = NewStore();
        (string key, KeyRecord record) = NewKey("kept");
        await store.EditAsync(edit => { edit.Put(record); return 0; }, default);

        // A writer that died: shard objects no manifest names, and a manifest upload that never finished.
        _fake.Put(Bucket, "prod/keyring/shards/00-0000-deadbeef.bin", Encoding.ASCII.GetBytes("half a shard"));
        using var http = new HttpClient { BaseAddress = _fake.BaseAddress };
        var start = new StringContent("""{"name":"prod/keyring/manifest.json","contentType":"application/json"}""", Encoding.UTF8, "application/json");
        HttpResponseMessage started = await http.PostAsync($"/upload/storage/v1/b/{Bucket}/o?uploadType=resumable", start);
        var half = new ByteArrayContent(Encoding.ASCII.GetBytes("{\"format\":\"portcu"));
        half.Headers.ContentRange = new System.Net.Http.Headers.ContentRangeHeaderValue(0, 16);
        Assert.Equal((HttpStatusCode)308, (await http.PutAsync(started.Headers.Location, half)).StatusCode);

        KeyIndex index = await NewStore().ReadAsync(default);
        Assert.Equal(1, index.Count);
        Assert.Equal(KeyVerdict.Valid, index.Check(key, Now).Verdict);
    }

    [Fact]
    public async Task CorruptShardOrManifest_IsRefusedWithAStoreException()
    {
        StorageKeyringStore store = NewStore();
        await store.EditAsync(edit => { Enumerable.Range(0, 300).ToList().ForEach(i => edit.Put(NewKey($"c{i}").Record)); return 0; }, default);
        string shard = _fake.Names(Bucket).First(n => n.Contains("/shards/", StringComparison.Ordinal));
        byte[] bytes = _fake.Get(Bucket, shard)!.Data.ToArray();
        bytes[^3] ^= 0x55;

        // Rewritten under the same name: a new generation, which the manifest does not name.
        _fake.Put(Bucket, shard, bytes);
        StoreException replaced = await Assert.ThrowsAsync<StoreException>(() => NewReader().PollAsync(null, default));
        Assert.Contains(shard, replaced.Message);

        _fake.Put(Bucket, "prod/keyring/manifest.json", Encoding.UTF8.GetBytes("{\"format\":\"portcullis-keyring/1\",\"shards\":[{\"index\":5}]}"));
        await Assert.ThrowsAsync<StoreException>(() => NewReader().PollAsync(null, default));
        _fake.Put(Bucket, "prod/keyring/manifest.json", Encoding.UTF8.GetBytes("not json"));
        await Assert.ThrowsAsync<StoreException>(() => NewReader().PollAsync(null, default));
    }

    [Fact]
    public async Task ImportedKey_IsStoredHashedAndChecked()
    {
        const string raw = "legacy-gateway-key-0123456789";
        Assert.True(KeyDigest.TryCompute(raw, out KeyDigest digest));
        var record = new KeyRecord(digest.ToKeyId(), digest, "legacy", Now, null, null, new Dictionary<string, string>()) { Imported = true };
        await NewStore().EditAsync(edit => { edit.Put(record); return 0; }, default);

        Assert.DoesNotContain(raw, Encoding.UTF8.GetString(_fake.Get(Bucket, "prod/keyring/manifest.json")!.Data));
        KeyIndex index = await NewStore().ReadAsync(default);
        Assert.Equal(KeyVerdict.Valid, index.Check(raw, Now).Verdict);
        Assert.Equal(KeyVerdict.Unknown, index.Check("legacy-gateway-key-0123456780", Now).Verdict);
    }

    [Fact]
    public async Task StorageDown_IsAStoreException()
    {
        _fake.Fail(403);

        await Assert.ThrowsAsync<StoreException>(() => NewReader().PollAsync(null, default));
    }
}
