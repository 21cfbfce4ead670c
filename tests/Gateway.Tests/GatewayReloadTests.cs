using System.Net;
using Portcullis.Gateway.Tests.Infrastructure;
using Portcullis.GoogleCloud.Keyrings;
using Portcullis.PolicyEngine.Keys;
using Portcullis.Testing;

namespace Portcullis.Gateway.Tests;

/// <summary>The gateway re-reads config and keyring every poll and keeps the last good ones.</summary>
public sealed class GatewayReloadTests : GatewayTestBase
{
    internal override Task<TestGateway> StartGatewayAsync(EchoBackend backend) =>
        TestGateway.StartAsync(Configs.Things, backend.BaseAddress, null, "--PORTCULLIS_POLL_SECONDS", "0.2");

    [Fact]
    public async Task RevokedKey_IsRefusedAfterAPoll()
    {
        Assert.Equal(HttpStatusCode.OK, (await Gateway.GetAsync("/things?key=" + TestGateway.ValidKey)).StatusCode);

        await KeyringUpdates.UpdateAsync(new FileKeyringStore(Gateway.KeyringPath), records =>
        {
            int i = records.FindIndex(r => r.Consumer == "acme");
            records[i] = records[i] with { Revoked = DateTimeOffset.UtcNow };
            return 0;
        }, CancellationToken.None);

        Assert.True(await EventuallyAsync("/things?key=" + TestGateway.ValidKey, HttpStatusCode.BadRequest), "the revoked key was still accepted");
    }

    [Fact]
    public async Task NewKey_IsAcceptedAfterAPoll()
    {
        string key = ApiKeys.Generate();
        Assert.Equal(HttpStatusCode.BadRequest, (await Gateway.GetAsync("/things?key=" + key)).StatusCode);

        await KeyringUpdates.UpdateAsync(new FileKeyringStore(Gateway.KeyringPath), records =>
        {
            records.Add(Keyring.NewRecord(key, "newcomer", DateTimeOffset.UtcNow));
            return 0;
        }, CancellationToken.None);

        Assert.True(await EventuallyAsync("/things?key=" + key, HttpStatusCode.OK), "the new key was never accepted");
        Assert.Equal("newcomer", Backend.Last!.Header("X-Portcullis-Consumer"));
    }

    [Fact]
    public async Task CorruptOrMissingKeyring_KeepsTheLastGoodOne()
    {
        await File.WriteAllTextAsync(Gateway.KeyringPath, "{ \"keys\": [ { \"sha256\": \"broken\" ");
        await Task.Delay(600);
        Assert.Equal(HttpStatusCode.OK, (await Gateway.GetAsync("/things?key=" + TestGateway.ValidKey)).StatusCode);

        File.Delete(Gateway.KeyringPath);
        await Task.Delay(600);
        Assert.Equal(HttpStatusCode.OK, (await Gateway.GetAsync("/things?key=" + TestGateway.ValidKey)).StatusCode);

        // The poller survived both: a good keyring without the key is picked up.
        await File.WriteAllTextAsync(Gateway.KeyringPath, Keyring.Serialize([Keyring.NewRecord(ApiKeys.Generate(), "other", DateTimeOffset.UtcNow)]));
        Assert.True(await EventuallyAsync("/things?key=" + TestGateway.ValidKey, HttpStatusCode.BadRequest), "the good keyring was never loaded");
    }

    [Fact]
    public async Task InvalidNewConfig_KeepsServingTheLastGoodOne_ValidOneIsPickedUp()
    {
        await File.WriteAllTextAsync(Gateway.ConfigPath, "swagger: \"2.0\"\npaths:\n  /x{y}:\n    get: {}\n");
        await Task.Delay(600);
        Assert.Equal(HttpStatusCode.OK, (await Gateway.GetAsync("/things?key=" + TestGateway.ValidKey)).StatusCode);

        string added = Configs.Things.Replace("{backend}", Backend.BaseAddress.GetLeftPart(UriPartial.Authority), StringComparison.Ordinal)
            + "\n  /more:\n    get: { operationId: more, security: [] }\n";
        await File.WriteAllTextAsync(Gateway.ConfigPath + ".tmp", added);
        File.Move(Gateway.ConfigPath + ".tmp", Gateway.ConfigPath, overwrite: true);

        bool served = false;
        for (int i = 0; i < 100 && !served; i++)
        {
            served = (await Gateway.GetAsync("/more")).StatusCode == HttpStatusCode.OK;
            await Task.Delay(100);
        }

        Assert.True(served, "the new route was never served");
    }
}
