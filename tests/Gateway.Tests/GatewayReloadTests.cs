using System.Net;
using Portcullis.Gateway.Tests.Infrastructure;
using Portcullis.GoogleCloud.Keyrings;
using Portcullis.PolicyEngine.Keys;
using Portcullis.Testing;

namespace Portcullis.Gateway.Tests;

/// <summary>The gateway re-reads config and keyring every poll and keeps the last good ones.</summary>
public sealed class GatewayReloadTests : IAsyncLifetime
{
    private const string Config = """
        swagger: "2.0"
        info: { title: Reload, version: "1" }
        x-google-backend: { address: "{backend}" }
        securityDefinitions:
          api_key: { type: apiKey, name: key, in: query }
        security:
          - api_key: []
        paths:
          /things:
            get: { operationId: listThings }
        """;

    private EchoBackend _backend = null!;
    private TestGateway _gateway = null!;

    public async Task InitializeAsync()
    {
        _backend = await EchoBackend.StartAsync();
        _gateway = await TestGateway.StartAsync(Config, _backend.BaseAddress, null, "--PORTCULLIS_POLL_SECONDS", "0.2");
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _backend.DisposeAsync();
    }

    [Fact]
    public async Task RevokedKey_IsRefusedAfterAPoll()
    {
        Assert.Equal(HttpStatusCode.OK, (await _gateway.GetAsync("/things?key=" + TestGateway.ValidKey)).StatusCode);

        await KeyringUpdates.UpdateAsync(new FileKeyringStore(_gateway.KeyringPath), records =>
        {
            int i = records.FindIndex(r => r.Consumer == "acme");
            records[i] = records[i] with { Revoked = DateTimeOffset.UtcNow };
            return 0;
        }, CancellationToken.None);

        Assert.True(await EventuallyAsync(TestGateway.ValidKey, HttpStatusCode.BadRequest), "the revoked key was still accepted");
    }

    [Fact]
    public async Task NewKey_IsAcceptedAfterAPoll()
    {
        string key = ApiKeys.Generate();
        Assert.Equal(HttpStatusCode.BadRequest, (await _gateway.GetAsync("/things?key=" + key)).StatusCode);

        await KeyringUpdates.UpdateAsync(new FileKeyringStore(_gateway.KeyringPath), records =>
        {
            records.Add(Keyring.NewRecord(key, "newcomer", DateTimeOffset.UtcNow));
            return 0;
        }, CancellationToken.None);

        Assert.True(await EventuallyAsync(key, HttpStatusCode.OK), "the new key was never accepted");
        Assert.Equal("newcomer", _backend.Last!.Header("X-Portcullis-Consumer"));
    }

    [Fact]
    public async Task CorruptOrMissingKeyring_KeepsTheLastGoodOne()
    {
        await File.WriteAllTextAsync(_gateway.KeyringPath, "{ \"keys\": [ { \"sha256\": \"broken\" ");
        await Task.Delay(600);
        Assert.Equal(HttpStatusCode.OK, (await _gateway.GetAsync("/things?key=" + TestGateway.ValidKey)).StatusCode);

        File.Delete(_gateway.KeyringPath);
        await Task.Delay(600);
        Assert.Equal(HttpStatusCode.OK, (await _gateway.GetAsync("/things?key=" + TestGateway.ValidKey)).StatusCode);

        // The poller survived both: a good keyring without the key is picked up.
        await File.WriteAllTextAsync(_gateway.KeyringPath, Keyring.Serialize([Keyring.NewRecord(ApiKeys.Generate(), "other", DateTimeOffset.UtcNow)]));
        Assert.True(await EventuallyAsync(TestGateway.ValidKey, HttpStatusCode.BadRequest), "the good keyring was never loaded");
    }

    [Fact]
    public async Task InvalidNewConfig_KeepsServingTheLastGoodOne_ValidOneIsPickedUp()
    {
        await File.WriteAllTextAsync(_gateway.ConfigPath, "swagger: \"2.0\"\npaths:\n  /x{y}:\n    get: {}\n");
        await Task.Delay(600);
        Assert.Equal(HttpStatusCode.OK, (await _gateway.GetAsync("/things?key=" + TestGateway.ValidKey)).StatusCode);

        string added = Config.Replace("{backend}", _backend.BaseAddress.GetLeftPart(UriPartial.Authority), StringComparison.Ordinal)
            + "\n  /more:\n    get: { operationId: more, security: [] }\n";
        await File.WriteAllTextAsync(_gateway.ConfigPath + ".tmp", added);
        File.Move(_gateway.ConfigPath + ".tmp", _gateway.ConfigPath, overwrite: true);

        bool served = false;
        for (int i = 0; i < 100 && !served; i++)
        {
            served = (await _gateway.GetAsync("/more")).StatusCode == HttpStatusCode.OK;
            await Task.Delay(100);
        }

        Assert.True(served, "the new route was never served");
    }

    // Polls until the gateway gives the expected answer; bounded, and asserts no timing.
    private async Task<bool> EventuallyAsync(string key, HttpStatusCode expected)
    {
        for (int i = 0; i < 100; i++)
        {
            if ((await _gateway.GetAsync("/things?key=" + key)).StatusCode == expected)
            {
                return true;
            }

            await Task.Delay(100);
        }

        return false;
    }
}
