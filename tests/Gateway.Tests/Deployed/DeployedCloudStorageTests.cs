using System.Net;
using Portcullis.Gateway.Tests.Infrastructure;
using Portcullis.GoogleCloud.Configs;
using Portcullis.GoogleCloud.Storage;
using Portcullis.PolicyEngine.Keys;
using Portcullis.Testing;

namespace Portcullis.Gateway.Tests.Deployed;

/// <summary>
/// The deployed program (the Native AOT binary in CI) with its keyring and config in (fake) Cloud
/// Storage: Google.Cloud.Storage.V1 builds its REST requests by reflection, so a trimmed binary that
/// compiles can still fail at run time (the functions root its assemblies). Sharded keyring with a
/// journal, conditional polls, a revocation picked up.
/// </summary>
public sealed class DeployedCloudStorageTests
{
    private const string Bucket = "aot-bucket";

    [Fact]
    public async Task GsKeyringAndConfig_LoadAndReload()
    {
        await using EchoBackend backend = await EchoBackend.StartAsync();
        await using FakeMetadataServer metadata = await FakeMetadataServer.StartAsync();
        await using FakeCloudStorage storage = await FakeCloudStorage.StartAsync();
        var keys = new StorageKeyringStore(CloudStorage.CreateClient(storage.BaseAddress), StorageLocation.Parse($"gs://{Bucket}/keys"));
        var many = Enumerable.Range(0, StorageKeyringStore.JournalLimit + 10).Select(i => Keyring.NewRecord(ApiKeys.Generate(), $"bulk{i}", DateTimeOffset.UtcNow)).ToList();
        await keys.EditAsync(edit => { many.ForEach(edit.Put); TestGateway.DefaultKeys().ToList().ForEach(edit.Put); return 0; }, default);
        string journalKey = ApiKeys.Generate();
        KeyRecord journalRecord = Keyring.NewRecord(journalKey, "journal", DateTimeOffset.UtcNow);
        await keys.EditAsync(edit => { edit.Put(journalRecord); return 0; }, default);
        var configs = new StorageConfigStore(CloudStorage.CreateClient(storage.BaseAddress), StorageLocation.Parse($"gs://{Bucket}/configs"));
        Assert.NotNull(await configs.TryDeployAsync(
            DeployedGateway.WithBackend(Configs.Things, backend.BaseAddress), new ConfigVersionInfo("", "aot", DateTimeOffset.UtcNow, "t@example.com", "aot"), null, default));

        await using DeployedGateway gateway = await DeployedGateway.StartAsync(
            Configs.Things, backend.BaseAddress, metadata,
            ("PORTCULLIS_KEYS", $"gs://{Bucket}/keys"),
            ("PORTCULLIS_CONFIG", $"gs://{Bucket}/configs"),
            ("PORTCULLIS_STORAGE_URL", storage.BaseAddress.ToString()),
            ("PORTCULLIS_POLL_SECONDS", "0.2"));

        HttpResponseMessage ok = await gateway.GetAsync("/things?key=" + journalKey);
        Assert.True(ok.StatusCode == HttpStatusCode.OK, $"{(int)ok.StatusCode} {await ok.Content.ReadAsStringAsync()}\n{gateway.Process.Output()}");
        Assert.Equal(HttpStatusCode.OK, (await gateway.GetAsync("/things?key=" + TestGateway.ValidKey)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await gateway.GetAsync("/things?key=" + ApiKeys.Generate())).StatusCode);

        await keys.EditAsync(edit => { edit.Put(journalRecord with { Revoked = DateTimeOffset.UtcNow }); return 0; }, default);
        HttpStatusCode status = HttpStatusCode.OK;
        for (int i = 0; i < 100 && status == HttpStatusCode.OK; i++)
        {
            await Task.Delay(100);
            status = (await gateway.GetAsync("/things?key=" + journalKey)).StatusCode;
        }

        Assert.True(status == HttpStatusCode.BadRequest, gateway.Process.Output());
    }
}
