using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Portcullis.Gateway.Tests.Infrastructure;
using Portcullis.PolicyEngine.Keys;
using Portcullis.Testing;

namespace Portcullis.Gateway.Tests.Deployed;

/// <summary>
/// The deployed program (the Native AOT binary in CI) with its moving parts: config and keyring reloads,
/// quotas per instance and through a real Redis, Google API keys and usage reports through Service
/// Control with access tokens from the metadata server. Each test runs its own gateway process(es).
/// </summary>
public sealed class DeployedGatewaySourcesTests : IAsyncLifetime
{
    private const string GoogleKey = "AIzaSyFakeGoogleApiKey0000000000000000";
    private const string ThingsHost = "host: things.endpoints.test-project.cloud.goog";
    private static readonly (string, string?) s_fastPolls = ("PORTCULLIS_POLL_SECONDS", "0.2");
    private EchoBackend _backend = null!;
    private FakeMetadataServer _metadata = null!;

    public async Task InitializeAsync()
    {
        _backend = await EchoBackend.StartAsync();
        _metadata = await FakeMetadataServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _metadata.DisposeAsync();
        await _backend.DisposeAsync();
    }

    [Fact]
    public async Task ConfigAndKeyringChanges_AreServedWithoutARestart()
    {
        await using DeployedGateway gateway = await DeployedGateway.StartAsync(Configs.Things, _backend.BaseAddress, _metadata, s_fastPolls);
        string newKey = ApiKeys.FromBody("deployed0000000000000000000000");
        Assert.Equal(HttpStatusCode.NotFound, (await gateway.GetAsync("/extra?key=" + TestGateway.ValidKey)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await gateway.GetAsync("/things?key=" + newKey)).StatusCode);

        await File.WriteAllTextAsync(
            gateway.ConfigPath,
            DeployedGateway.WithBackend(Configs.Things + "\n  /extra:\n    get: { operationId: extra }\n", _backend.BaseAddress));
        string keyring = Path.Combine(Path.GetDirectoryName(gateway.ConfigPath)!, "keyring.json");
        await File.WriteAllTextAsync(keyring, Keyring.Serialize([.. TestGateway.DefaultKeys(), Keyring.NewRecord(newKey, "newcomer", DateTimeOffset.UtcNow)]));

        Assert.True(await EventuallyAsync(gateway, "/extra?key=" + TestGateway.ValidKey, HttpStatusCode.OK), gateway.Process.Output());
        Assert.True(await EventuallyAsync(gateway, "/things?key=" + newKey, HttpStatusCode.OK), gateway.Process.Output());
        Assert.Equal("newcomer", _backend.Last!.Header("X-Portcullis-Consumer"));

        // A broken config is not served: the last good one stays.
        await File.WriteAllTextAsync(gateway.ConfigPath, "swagger: \"2.0\"\npaths: [not, a, map]\n");
        await gateway.Process.WaitForLinesAsync(l => l.GetProperty("severity").GetString() is "WARNING" or "ERROR", count: 1);
        Assert.Equal(HttpStatusCode.OK, (await gateway.GetAsync("/extra?key=" + TestGateway.ValidKey)).StatusCode);
        Assert.False(gateway.Process.HasExited);
    }

    [Fact]
    public async Task Start_FetchesBackendIdTokens_BeforeAnyRequest_AndLogsTheStartupStages()
    {
        await using DeployedGateway gateway = await DeployedGateway.StartAsync(Configs.Things, _backend.BaseAddress, _metadata);
        string audience = _backend.BaseAddress.GetLeftPart(UriPartial.Authority);

        // Only the readiness probe (a 404, no backend) has reached the gateway: the token was fetched at start.
        for (int i = 0; i < 100 && !_metadata.IdentityRequests.Contains(audience); i++)
        {
            await Task.Delay(100);
        }

        Assert.Contains(audience, _metadata.IdentityRequests);
        Assert.Equal(0, _backend.RequestCount);
        JsonElement started = Assert.Single(await gateway.Process.WaitForLinesAsync(l => l.TryGetProperty("eventId", out JsonElement id) && id.GetInt32() == 1090, count: 1));
        string stages = started.GetProperty("fields").GetProperty("Stages").GetString()!;
        foreach (string stage in new[] { "host builder", "services", "config", "keyring", "endpoint", "listen" })
        {
            Assert.Contains(stage + " ", stages, StringComparison.Ordinal);
        }

        Assert.True(DateTimeOffset.TryParse(started.GetProperty("fields").GetProperty("MainAt").GetString(), System.Globalization.CultureInfo.InvariantCulture, out _));
    }

    [Fact]
    public async Task PerInstanceQuota_RefusesWith429AndRetryAfter()
    {
        await using DeployedGateway gateway = await DeployedGateway.StartAsync(Configs.Quota(readLimit: 3), _backend.BaseAddress, _metadata, s_fastPolls);

        (int allowed, HttpResponseMessage refused) = await UntilRefusedAsync([gateway], limit: 3);

        Assert.Equal(3, allowed);
        Assert.NotNull(refused.Headers.RetryAfter);
        Assert.Contains(
            "RESOURCE_EXHAUSTED: Quota exceeded for quota metric 'read-requests' and limit 'read-limit'",
            await refused.Content.ReadAsStringAsync(),
            StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await gateway.GetAsync("/free?key=" + TestGateway.ValidKey)).StatusCode);
    }

    [Fact]
    public async Task TwoInstancesSharingRedis_EnforceOneLimitExactly()
    {
        await using RedisServer redis = await RedisServer.StartAsync();
        await using DeployedGateway a = await DeployedGateway.StartAsync(Configs.Quota(readLimit: 4), _backend.BaseAddress, _metadata, s_fastPolls, ("PORTCULLIS_REDIS", redis.Endpoint));
        await using DeployedGateway b = await DeployedGateway.StartAsync(Configs.Quota(readLimit: 4), _backend.BaseAddress, _metadata, s_fastPolls, ("PORTCULLIS_REDIS", redis.Endpoint));

        (int allowed, HttpResponseMessage refused) = await UntilRefusedAsync([a, b], limit: 4);

        // Per instance, each would have let 4 through: 8 before the first refusal.
        Assert.True(allowed == 4, $"{allowed} allowed across two instances sharing Redis\n{a.Process.Output()}\n{b.Process.Output()}");
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
    }

    [Fact]
    public async Task GoogleApiKeys_CheckedAndReportedThroughServiceControl_WithAccessTokens()
    {
        await using FakeServiceControl serviceControl = await FakeServiceControl.StartAsync();
        const string invalid = "AIzaSyFakeGoogleApiKeyInvalid000000000";
        serviceControl.SetKey(invalid, "API_KEY_INVALID");
        await using DeployedGateway gateway = await DeployedGateway.StartAsync(
            Configs.Things.Replace("info: { title: Things, version: \"1\" }", "info: { title: Things, version: \"1\" }\n" + ThingsHost, StringComparison.Ordinal),
            _backend.BaseAddress,
            _metadata,
            ("PORTCULLIS_KEYS", "servicecontrol"),
            ("PORTCULLIS_SERVICE_CONTROL_URL", serviceControl.BaseAddress.ToString()));

        HttpResponseMessage ok = await gateway.GetAsync("/things/7?key=" + GoogleKey);
        HttpResponseMessage bad = await gateway.GetAsync("/things/7?key=" + invalid);

        Assert.True(ok.StatusCode == HttpStatusCode.OK, $"{(int)ok.StatusCode} {await ok.Content.ReadAsStringAsync()}\n{gateway.Process.Output()}");
        await ErrorAssert.IsAsync(bad, HttpStatusCode.BadRequest, "INVALID_ARGUMENT: API key not valid. Please pass a valid API key.");
        Assert.True(_metadata.AccessTokenRequests > 0, "Service Control was called without an access token from the metadata server");
        // The readiness probe (a 404) is reported too: wait for the two keyed requests.
        JsonNode[] operations = [];
        for (int i = 0; i < 100 && operations.Length < 2; i++)
        {
            await Task.Delay(100);
            operations = [.. serviceControl.Reports.SelectMany(r => r["operations"]!.AsArray()).Select(o => o!)
                .Where(o => o["labels"]!["/response_code"]!.ToString() is "200" or "400")];
        }

        JsonNode accepted = Assert.Single(operations, o => o["labels"]!["/response_code"]!.ToString() == "200");
        Assert.Equal("api_key:" + GoogleKey, accepted["consumerId"]!.ToString());
        Assert.Single(operations, o => o["labels"]!["/response_code"]!.ToString() == "400");
    }

    /// <summary>
    /// Sends keyed requests round-robin over <paramref name="gateways"/> until the first 429 and counts the
    /// 200s before it. The limit is per minute: a run that crosses a minute boundary is run again.
    /// </summary>
    private async Task<(int Allowed, HttpResponseMessage Refused)> UntilRefusedAsync(DeployedGateway[] gateways, int limit)
    {
        for (int attempt = 0; ; attempt++)
        {
            string key = TestGateway.ValidKey;
            if (attempt > 0)
            {
                key = ApiKeys.FromBody($"quota{attempt:D2}{Guid.NewGuid():N}"[..30]);
                await AddKeyAsync(gateways, key, $"consumer-{attempt}");
            }

            long minute = DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 60;
            int allowed = 0;
            HttpResponseMessage? refused = null;
            for (int i = 0; i < 4 * limit && refused is null; i++)
            {
                HttpResponseMessage response = await gateways[i % gateways.Length].GetAsync("/things?key=" + key);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    allowed++;
                }
                else
                {
                    refused = response;
                }
            }

            if (DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 60 == minute || attempt == 2)
            {
                Assert.NotNull(refused);
                Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
                return (allowed, refused);
            }
        }
    }

    /// <summary>A fresh consumer in every gateway's keyring; waits until all of them serve it.</summary>
    private static async Task AddKeyAsync(DeployedGateway[] gateways, string key, string consumer)
    {
        foreach (DeployedGateway gateway in gateways)
        {
            string keyring = Path.Combine(Path.GetDirectoryName(gateway.ConfigPath)!, "keyring.json");
            await File.WriteAllTextAsync(keyring, Keyring.Serialize([.. TestGateway.DefaultKeys(), Keyring.NewRecord(key, consumer, DateTimeOffset.UtcNow.AddMinutes(-1))]));
        }

        foreach (DeployedGateway gateway in gateways)
        {
            Assert.True(await EventuallyAsync(gateway, "/free?key=" + key, HttpStatusCode.OK, TimeSpan.FromSeconds(30)), gateway.Process.Output());
        }
    }

    private static async Task<bool> EventuallyAsync(DeployedGateway gateway, string target, HttpStatusCode expected, TimeSpan? bound = null)
    {
        var elapsed = System.Diagnostics.Stopwatch.StartNew();
        while (elapsed.Elapsed < (bound ?? TimeSpan.FromSeconds(15)))
        {
            if ((await gateway.GetAsync(target)).StatusCode == expected)
            {
                return true;
            }

            await Task.Delay(100);
        }

        return false;
    }
}
