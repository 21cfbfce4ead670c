using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Portcullis.Gateway.Tests.Infrastructure;
using Portcullis.GoogleCloud.Configs;
using Portcullis.GoogleCloud.Storage;
using Portcullis.PolicyEngine.Keys;
using Portcullis.Testing;

namespace Portcullis.Gateway.Tests;

/// <summary>
/// The gateway with its keyring and its config in (fake) Cloud Storage, over real HTTP: keys
/// created and revoked by the CLI's store, outages, corrupt objects.
/// </summary>
public sealed class GatewayCloudStorageTests : GatewayTestBase
{
    private const string Bucket = "portcullis-test";
    private FakeCloudStorage _storage = null!;
    private StorageKeyringStore _keys = null!;
    private StorageConfigStore _configs = null!;

    internal override async Task<TestGateway> StartGatewayAsync(EchoBackend backend)
    {
        _storage = await FakeCloudStorage.StartAsync();
        _keys = new StorageKeyringStore(CloudStorage.CreateClient(_storage.BaseAddress), StorageLocation.Parse($"gs://{Bucket}/keys"));
        _configs = new StorageConfigStore(CloudStorage.CreateClient(_storage.BaseAddress), StorageLocation.Parse($"gs://{Bucket}/configs"));
        await _keys.EditAsync(edit => { TestGateway.DefaultKeys().ToList().ForEach(edit.Put); return 0; }, default);
        await DeployAsync(Configs.Things, backend, null);
        return await TestGateway.StartAsync(
            Configs.Things,
            backend.BaseAddress,
            null,
            "--PORTCULLIS_KEYS", $"gs://{Bucket}/keys",
            "--PORTCULLIS_CONFIG", $"gs://{Bucket}/configs",
            "--PORTCULLIS_STORAGE_URL", _storage.BaseAddress.ToString(),
            "--PORTCULLIS_POLL_SECONDS", "0.2");
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _storage.DisposeAsync();
    }

    [Fact]
    public async Task CreateKey_Works_Revoke_RefusedWithinAPoll()
    {
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(TestGateway.ValidKey));
        Assert.Equal(HttpStatusCode.BadRequest, await StatusAsync(TestGateway.RevokedKey));
        string key = ApiKeys.Generate();
        KeyRecord record = Keyring.NewRecord(key, "new-customer", DateTimeOffset.UtcNow);

        await _keys.EditAsync(edit => { edit.Put(record); return 0; }, default);
        Assert.True(await EventuallyAsync("/things?key=" + key, HttpStatusCode.OK));

        await _keys.EditAsync(edit => { edit.Put(edit.FindById(record.Id)! with { Revoked = DateTimeOffset.UtcNow }); return 0; }, default);
        Assert.True(await EventuallyAsync("/things?key=" + key, HttpStatusCode.BadRequest));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(TestGateway.ValidKey));
    }

    [Fact]
    public async Task IdlePolls_AreConditionalManifestReads()
    {
        await Task.Delay(1000);
        _storage.TakeLog();
        await Task.Delay(1000);

        IReadOnlyList<string> log = _storage.TakeLog();
        Assert.NotEmpty(log);
        Assert.All(log, line => Assert.Contains("ifGenerationNotMatch=", line));
        Assert.DoesNotContain(log, line => line.Contains("shards", StringComparison.Ordinal));
    }

    [Fact]
    public async Task StorageDownWhileRunning_LastGoodKeepsServing_ThenRecovers()
    {
        _storage.Fail(503);
        for (int i = 0; i < 10; i++)
        {
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(TestGateway.ValidKey));
            Assert.Equal(HttpStatusCode.BadRequest, await StatusAsync(TestGateway.RevokedKey));
            await Task.Delay(100);
        }

        Assert.True(_storage.TakeLog().Count > 2, "the gateway stopped polling during the outage");
        _storage.Heal();
        string key = ApiKeys.Generate();
        await _keys.EditAsync(edit => { edit.Put(Keyring.NewRecord(key, "after-outage", DateTimeOffset.UtcNow)); return 0; }, default);
        Assert.True(await EventuallyAsync("/things?key=" + key, HttpStatusCode.OK));
    }

    [Fact]
    public async Task CorruptManifest_IsRefused_LastGoodKept()
    {
        string key = ApiKeys.Generate();
        _storage.Put(Bucket, "keys/manifest.json", Encoding.UTF8.GetBytes("{\"format\":\"portcullis-keyring/1\",\"journal\":[{\"sha256\":\"zz\"}]}"));

        for (int i = 0; i < 10; i++)
        {
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(TestGateway.ValidKey));
            Assert.Equal(HttpStatusCode.BadRequest, await StatusAsync(key));
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task CorruptShard_IsRefused_LastGoodKept()
    {
        // Enough keys to fold the journal into shard objects.
        var many = Enumerable.Range(0, StorageKeyringStore.JournalLimit + 1).Select(i => Keyring.NewRecord(ApiKeys.Generate(), $"bulk{i}", DateTimeOffset.UtcNow)).ToList();
        await _keys.EditAsync(edit => { many.ForEach(edit.Put); return 0; }, default);
        Assert.True(await EventuallyAsync("/things?key=" + TestGateway.ValidKey, HttpStatusCode.OK));
        string key = ApiKeys.Generate();
        await _keys.EditAsync(edit => { edit.Put(Keyring.NewRecord(key, "never-seen", DateTimeOffset.UtcNow)); return 0; }, default);
        Assert.True(await EventuallyAsync("/things?key=" + key, HttpStatusCode.OK));
        string unseen = ApiKeys.Generate();

        // A manifest that adds a key but names a shard whose bytes do not match its recorded SHA-256 (one bit flipped).
        JsonNode manifest = JsonNode.Parse(_storage.Get(Bucket, "keys/manifest.json")!.Data)!;
        manifest["journal"]!.AsArray().Add(new JsonObject
        {
            ["sha256"] = Keyring.NewRecord(unseen, "unseen", DateTimeOffset.UtcNow).Digest.ToHex(),
            ["consumer"] = "unseen",
            ["created"] = "2026-12-03T00:00:00Z",
        });
        JsonNode shard = manifest["shards"]![0]!;
        byte[] bytes = _storage.Get(Bucket, shard["object"]!.GetValue<string>())!.Data.ToArray();
        bytes[^2] ^= 1;
        shard["object"] = "keys/shards/tampered.bin";
        shard["generation"] = _storage.Put(Bucket, "keys/shards/tampered.bin", bytes);
        _storage.Put(Bucket, "keys/manifest.json", Encoding.UTF8.GetBytes(manifest.ToJsonString()));

        for (int i = 0; i < 10; i++)
        {
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(TestGateway.ValidKey));
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(key));
            Assert.Equal(HttpStatusCode.BadRequest, await StatusAsync(unseen));
            await Task.Delay(100);
        }

        Assert.Contains(_storage.TakeLog(), line => line.Contains("tampered.bin", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ConfigInCloudStorage_NewVersionGoesLive()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await Gateway.GetAsync("/widgets?key=" + TestGateway.ValidKey)).StatusCode);

        await DeployAsync(Configs.Things.Replace("  /things:", "  /widgets:\n    get: { operationId: listWidgets }\n  /things:", StringComparison.Ordinal), Backend, "1");

        Assert.True(await EventuallyAsync("/widgets?key=" + TestGateway.ValidKey, HttpStatusCode.OK));
    }

    [Fact]
    public async Task StorageDownAtStart_FailsClosed_ThenServesOnceLoaded()
    {
        await using FakeCloudStorage down = await FakeCloudStorage.StartAsync();
        down.Fail(403);
        await using TestGateway gateway = await TestGateway.StartAsync(
            Configs.Things,
            Backend.BaseAddress,
            null,
            "--PORTCULLIS_KEYS", $"gs://{Bucket}/keys",
            "--PORTCULLIS_STORAGE_URL", down.BaseAddress.ToString(),
            "--PORTCULLIS_POLL_SECONDS", "0.2");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await gateway.GetAsync("/things?key=" + TestGateway.ValidKey)).StatusCode);
        var writer = new StorageKeyringStore(CloudStorage.CreateClient(down.BaseAddress), StorageLocation.Parse($"gs://{Bucket}/keys"));
        down.Heal();
        await writer.EditAsync(edit => { TestGateway.DefaultKeys().ToList().ForEach(edit.Put); return 0; }, default);
        bool served = false;
        for (int i = 0; i < 100 && !served; i++)
        {
            served = (await gateway.GetAsync("/things?key=" + TestGateway.ValidKey)).StatusCode == HttpStatusCode.OK;
            await Task.Delay(100);
        }

        Assert.True(served);
    }

    [Fact]
    public async Task StarvedTimer_FirstRequestAfterTheSleep_WaitsForTheRefresh_RevokedKeyRefused()
    {
        // Request-based billing: no CPU between requests, so the poll timer does not run. A fake
        // clock stands in for the sleep; the first request after it must not be answered from the old index.
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        await using TestGateway sleepy = await TestGateway.StartAsync(
            Configs.Things,
            Backend.BaseAddress,
            null,
            services => services.AddSingleton<TimeProvider>(clock),
            "--PORTCULLIS_KEYS", $"gs://{Bucket}/keys",
            "--PORTCULLIS_STORAGE_URL", _storage.BaseAddress.ToString(),
            "--PORTCULLIS_POLL_SECONDS", "60");
        Assert.Equal(HttpStatusCode.OK, (await sleepy.GetAsync("/things?key=" + TestGateway.ValidKey)).StatusCode);

        await _keys.EditAsync(edit => { edit.Put(edit.FindById(TestGateway.DefaultKeys().First().Id)! with { Revoked = clock.GetUtcNow() }); return 0; }, default);
        Assert.Equal(HttpStatusCode.OK, (await sleepy.GetAsync("/things?key=" + TestGateway.ValidKey)).StatusCode);
        clock.Advance(TimeSpan.FromSeconds(62));

        Assert.Equal(HttpStatusCode.BadRequest, (await sleepy.GetAsync("/things?key=" + TestGateway.ValidKey)).StatusCode);
    }

    private async Task DeployAsync(string config, EchoBackend backend, string? expectedLive)
    {
        string text = config.Replace("{backend}", backend.BaseAddress.GetLeftPart(UriPartial.Authority), StringComparison.Ordinal);
        var info = new ConfigVersionInfo("", "test", DateTimeOffset.UtcNow, "tests@example.com", "test deploy");
        Assert.NotNull(await _configs.TryDeployAsync(text, info, expectedLive, default));
    }

    private async Task<HttpStatusCode> StatusAsync(string key) => (await Gateway.GetAsync("/things?key=" + key)).StatusCode;
}
