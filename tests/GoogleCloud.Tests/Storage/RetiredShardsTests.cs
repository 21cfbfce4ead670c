using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Portcullis.GoogleCloud.Keyrings;
using Portcullis.GoogleCloud.Storage;
using Portcullis.PolicyEngine.Keys;
using Portcullis.PolicyEngine.Keys.Sharded;
using Portcullis.Testing;

namespace Portcullis.GoogleCloud.Tests.Storage;

/// <summary>Shards a compaction replaced: listed as retired, deleted by a later write once the grace period has passed.</summary>
public sealed class RetiredShardsTests : IAsyncLifetime
{
    private const string Bucket = "keys-bucket";
    private const string Shards = "prod/keyring/shards/";
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 3, 9, 0, 0, TimeSpan.Zero));
    private FakeCloudStorage _fake = null!;

    public async Task InitializeAsync() => _fake = await FakeCloudStorage.StartAsync();

    public async Task DisposeAsync() => await _fake.DisposeAsync();

    private StorageKeyringStore NewStore() =>
        new(CloudStorage.CreateClient(_fake.BaseAddress), StorageLocation.Parse($"gs://{Bucket}/prod/keyring"), _time);

    private List<string> ShardObjects() => _fake.Names(Bucket).Where(n => n.StartsWith(Shards, StringComparison.Ordinal)).ToList();

    private KeyringManifest Manifest() =>
        JsonSerializer.Deserialize(_fake.Get(Bucket, "prod/keyring/manifest.json")!.Data, ManifestJsonContext.Default.KeyringManifest)!;

    private async Task<List<string>> PutAsync(StorageKeyringStore store, int count)
    {
        var keys = Enumerable.Range(0, count).Select(_ => ApiKeys.Generate()).ToList();
        await store.EditAsync(edit => { keys.ForEach(k => edit.Put(Keyring.NewRecord(k, "c", _time.GetUtcNow()))); return 0; }, default);
        return keys;
    }

    [Fact]
    public async Task ReplacedShards_AreKeptThroughTheGracePeriod_ThenDeletedByTheNextWrite()
    {
        StorageKeyringStore store = NewStore();
        List<string> keys = await PutAsync(store, StorageKeyringStore.JournalLimit + 10);
        List<string> first = ShardObjects();
        Assert.NotEmpty(first);

        // A second compaction replaces (at least some of) the first one's shards.
        keys.AddRange(await PutAsync(store, StorageKeyringStore.JournalLimit + 10));
        KeyringManifest compacted = Manifest();
        List<string> replaced = first.Except(compacted.Shards.Select(s => s.Object)).ToList();
        Assert.NotEmpty(replaced);
        Assert.Equal(replaced.Order(StringComparer.Ordinal), compacted.Retired.Select(r => r.Object).Order(StringComparer.Ordinal));
        Assert.All(compacted.Retired, r => Assert.Equal(_time.GetUtcNow(), r.Retired));

        // Within the grace period a write keeps them: a reader that fetched the earlier manifest may still be loading them.
        _time.Advance(StorageKeyringStore.RetireAfter - TimeSpan.FromSeconds(1));
        keys.AddRange(await PutAsync(store, 1));
        Assert.All(replaced, name => Assert.Contains(name, ShardObjects()));
        Assert.Equal(replaced.Count, Manifest().Retired.Count);

        _time.Advance(TimeSpan.FromSeconds(1));
        keys.AddRange(await PutAsync(store, 1));
        Assert.Empty(ShardObjects().Intersect(replaced));
        Assert.Empty(Manifest().Retired);
        Assert.Equal(Manifest().Shards.Select(s => s.Object).Order(StringComparer.Ordinal), ShardObjects().Order(StringComparer.Ordinal));

        // Nothing the keyring needs went: a fresh reader loads every key.
        KeyIndex index = await new StorageKeyringReader(CloudStorage.CreateClient(_fake.BaseAddress), StorageLocation.Parse($"gs://{Bucket}/prod/keyring")).PollAsync(null, default) is { } s
            ? s.Index
            : throw new InvalidOperationException("nothing read");
        Assert.Equal(keys.Count, index.Count);
        Assert.All(keys, k => Assert.Equal(KeyVerdict.Valid, index.Check(k, _time.GetUtcNow()).Verdict));
    }

    [Fact]
    public async Task RetiredEntries_OutsideTheShardsPrefix_OrStillNamed_AreNeverDeleted()
    {
        StorageKeyringStore store = NewStore();
        await PutAsync(store, StorageKeyringStore.JournalLimit + 10);
        _fake.Put(Bucket, "prod/other-keyring/shards/00-0000-aaaaaaaaaaaa.bin", Encoding.ASCII.GetBytes("someone else's"));
        _fake.Put(Bucket, "prod/keyring/config.yaml", Encoding.ASCII.GetBytes("not a shard"));

        // A manifest whose retired list names objects this store must not delete (hand-edited, or written by a bug).
        KeyringManifest manifest = Manifest();
        ShardEntry live = manifest.Shards[0];
        DateTimeOffset old = _time.GetUtcNow() - TimeSpan.FromDays(1);
        manifest.Retired =
        [
            new RetiredShard { Object = "prod/other-keyring/shards/00-0000-aaaaaaaaaaaa.bin", Generation = _fake.Get(Bucket, "prod/other-keyring/shards/00-0000-aaaaaaaaaaaa.bin")!.Generation, Retired = old },
            new RetiredShard { Object = "prod/keyring/config.yaml", Generation = _fake.Get(Bucket, "prod/keyring/config.yaml")!.Generation, Retired = old },
            new RetiredShard { Object = live.Object, Generation = live.Generation, Retired = old },
        ];
        _fake.Put(Bucket, "prod/keyring/manifest.json", JsonSerializer.SerializeToUtf8Bytes(manifest, ManifestJsonContext.Default.KeyringManifest), "application/json");

        await PutAsync(store, 1);

        Assert.NotNull(_fake.Get(Bucket, "prod/other-keyring/shards/00-0000-aaaaaaaaaaaa.bin"));
        Assert.NotNull(_fake.Get(Bucket, "prod/keyring/config.yaml"));
        Assert.NotNull(_fake.Get(Bucket, live.Object));
        Assert.DoesNotContain(Manifest().Retired, r => r.Object == live.Object);
    }

    [Fact]
    public async Task AShardAlreadyGone_IsDroppedFromTheList()
    {
        StorageKeyringStore store = NewStore();
        await PutAsync(store, StorageKeyringStore.JournalLimit + 10);
        await PutAsync(store, StorageKeyringStore.JournalLimit + 10);
        List<RetiredShard> retired = Manifest().Retired;
        Assert.NotEmpty(retired);

        // Another writer that lost the manifest race after deleting them, say.
        using var http = new HttpClient { BaseAddress = _fake.BaseAddress };
        foreach (RetiredShard r in retired)
        {
            (await http.DeleteAsync($"/storage/v1/b/{Bucket}/o/{Uri.EscapeDataString(r.Object)}")).EnsureSuccessStatusCode();
        }

        _time.Advance(StorageKeyringStore.RetireAfter);
        await PutAsync(store, 1);
        Assert.Empty(Manifest().Retired);
    }
}
