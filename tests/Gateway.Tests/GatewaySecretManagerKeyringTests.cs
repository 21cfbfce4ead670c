using System.Net;
using System.Text;
using Portcullis.Gateway.Tests.Infrastructure;
using Portcullis.GoogleCloud.Auth;
using Portcullis.GoogleCloud.Keyrings;
using Portcullis.GoogleCloud.SecretManager;
using Portcullis.PolicyEngine.Keys;
using Portcullis.Testing;

namespace Portcullis.Gateway.Tests;

/// <summary>The gateway with its keyring in (fake) Secret Manager: reloads, outages and corrupt versions.</summary>
public sealed class GatewaySecretManagerKeyringTests : GatewayTestBase
{
    private const string Secret = "projects/test-project/secrets/gateway-keyring";
    private FakeSecretManager _secretManager = null!;
    private SecretManagerKeyringStore _store = null!;

    internal override async Task<TestGateway> StartGatewayAsync(EchoBackend backend)
    {
        await FakeMetadataServer.GetSharedAsync();
        _secretManager = await FakeSecretManager.StartAsync();
        _secretManager.CreateSecret(Secret);
        _store = new SecretManagerKeyringStore(
            new SecretManagerClient(new HttpClient { BaseAddress = _secretManager.BaseAddress }, new GoogleAccessTokenSource()),
            Secret);
        Assert.True(await _store.TryWriteAsync(Keyring.Serialize(TestGateway.DefaultKeys()), null, default));
        return await TestGateway.StartAsync(
            Configs.Things,
            backend.BaseAddress,
            null,
            "--PORTCULLIS_KEYS", "sm://" + Secret,
            "--PORTCULLIS_SECRET_MANAGER_URL", _secretManager.BaseAddress.ToString(),
            "--PORTCULLIS_POLL_SECONDS", "0.2");
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _secretManager.DisposeAsync();
    }

    [Fact]
    public async Task RevokedInSecretManager_IsRefusedAfterAPoll()
    {
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(TestGateway.ValidKey));

        await KeyringUpdates.UpdateAsync(_store, records =>
        {
            int i = records.FindIndex(r => r.Consumer == "acme");
            records[i] = records[i] with { Revoked = DateTimeOffset.UtcNow };
            return 0;
        }, default);

        Assert.True(await EventuallyAsync("/things?key=" + TestGateway.ValidKey, HttpStatusCode.BadRequest));
    }

    [Fact]
    public async Task SecretManagerDown_ManyPolls_GatewayKeepsServing_ThenRecovers()
    {
        _secretManager.Fail(503);
        int before = _secretManager.RequestCount;
        for (int i = 0; i < 20; i++)
        {
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(TestGateway.ValidKey));
            await Task.Delay(100);
        }

        Assert.True(_secretManager.RequestCount > before + 3, "the gateway stopped polling during the outage");
        _secretManager.Heal();

        string key = ApiKeys.Generate();
        await KeyringUpdates.UpdateAsync(_store, records =>
        {
            records.Add(Keyring.NewRecord(key, "after-outage", DateTimeOffset.UtcNow));
            return 0;
        }, default);
        Assert.True(await EventuallyAsync("/things?key=" + key, HttpStatusCode.OK));
    }

    [Fact]
    public async Task CorruptLatestVersion_IsIgnored_PreviousKeyringKept()
    {
        string key = ApiKeys.Generate();
        string corrupt = Keyring.Serialize([Keyring.NewRecord(key, "corrupt", DateTimeOffset.UtcNow)]);
        _secretManager.AddCorruptVersion(Secret, Encoding.UTF8.GetBytes(corrupt), SecretManagerKeyringStore.Alias);

        for (int i = 0; i < 10; i++)
        {
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(TestGateway.ValidKey));
            Assert.Equal(HttpStatusCode.BadRequest, await StatusAsync(key));
            await Task.Delay(100);
        }
    }

    private async Task<HttpStatusCode> StatusAsync(string key) => (await Gateway.GetAsync("/things?key=" + key)).StatusCode;
}
