using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Portcullis.Gateway.Tests.Infrastructure;
using Portcullis.PolicyEngine.Keys;
using Portcullis.Testing;

namespace Portcullis.Gateway.Tests.Quotas;

/// <summary>Quotas per consumer and per key: per instance, and exact across instances through a real Redis.</summary>
public sealed class QuotaTests : IAsyncLifetime
{
    private static readonly string s_alice = ApiKeys.FromBody("alice0000000000000000000000000");
    private static readonly string s_aliceToo = ApiKeys.FromBody("alice0000000000000000000000001");
    private static readonly string s_limited = ApiKeys.FromBody("limited00000000000000000000000");
    private readonly List<TestGateway> _gateways = [];
    private EchoBackend _backend = null!;

    public async Task InitializeAsync() => _backend = await EchoBackend.StartAsync();

    public async Task DisposeAsync()
    {
        foreach (TestGateway gateway in _gateways)
        {
            await gateway.DisposeAsync();
        }

        await _backend.DisposeAsync();
    }

    private static string Config(long readLimit, long cost = 1) => Configs.Quota(readLimit, cost);

    private static IEnumerable<KeyRecord> Keys()
    {
        DateTimeOffset now = DateTimeOffset.UtcNow;
        return
        [
            Keyring.NewRecord(s_alice, "alice", now),
            Keyring.NewRecord(s_aliceToo, "alice", now),
            Keyring.NewRecord(s_limited, "alice", now) with { QuotaOverrides = new Dictionary<string, long> { ["read-limit"] = 2 } },
        ];
    }

    [Fact]
    public async Task PerInstance_LimitReached_Is429WithHeaders()
    {
        TestGateway gateway = await StartAsync(Config(5));

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage last = null!;
        for (int i = 0; i < 7; i++)
        {
            last = await gateway.GetAsync("/things?key=" + s_alice);
            statuses.Add(last.StatusCode);
            if (i == 0)
            {
                Assert.Equal("5", last.Headers.GetValues("RateLimit-Limit").Single());
                Assert.Equal("4", last.Headers.GetValues("RateLimit-Remaining").Single());
                Assert.InRange(int.Parse(last.Headers.GetValues("RateLimit-Reset").Single(), System.Globalization.CultureInfo.InvariantCulture), 1, 60);
            }
        }

        Assert.Equal(5, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
        Assert.NotNull(last.Headers.RetryAfter);
        Assert.Equal("0", last.Headers.GetValues("RateLimit-Remaining").Single());
        string body = await last.Content.ReadAsStringAsync();
        Assert.Contains("RESOURCE_EXHAUSTED: Quota exceeded for quota metric 'read-requests' and limit 'read-limit'", body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await gateway.GetAsync("/free?key=" + s_alice)).StatusCode);
        Assert.Equal(5, _backend.Requests.Count(r => r.Path == "/things"));
    }

    [Fact]
    public async Task LimitCountsPerConsumer_AcrossTheirKeys()
    {
        TestGateway gateway = await StartAsync(Config(3));

        Assert.Equal(HttpStatusCode.OK, (await gateway.GetAsync("/things?key=" + s_alice)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await gateway.GetAsync("/things?key=" + s_aliceToo)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await gateway.GetAsync("/things?key=" + s_alice)).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await gateway.GetAsync("/things?key=" + s_aliceToo)).StatusCode);
    }

    [Fact]
    public async Task CostAboveOne_ChargesThatMany()
    {
        TestGateway gateway = await StartAsync(Config(5, cost: 2));

        Assert.Equal(HttpStatusCode.OK, (await gateway.GetAsync("/things?key=" + s_alice)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await gateway.GetAsync("/things?key=" + s_alice)).StatusCode);
        HttpResponseMessage third = await gateway.GetAsync("/things?key=" + s_alice);
        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        Assert.Equal("1", third.Headers.GetValues("RateLimit-Remaining").Single());
    }

    [Fact]
    public async Task PerKeyOverride_HasItsOwnBudget()
    {
        TestGateway gateway = await StartAsync(Config(100));

        Assert.Equal(HttpStatusCode.OK, (await gateway.GetAsync("/things?key=" + s_limited)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await gateway.GetAsync("/things?key=" + s_limited)).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await gateway.GetAsync("/things?key=" + s_limited)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await gateway.GetAsync("/things?key=" + s_alice)).StatusCode);
    }

    [Fact]
    public async Task WindowRollover_ClearsTheLimit_EvenWithNoTrafficInBetween()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 12, 0, 10, TimeSpan.Zero));
        TestGateway gateway = await StartAsync(Config(2), services => services.AddSingleton<TimeProvider>(clock));

        Assert.Equal(HttpStatusCode.OK, (await gateway.GetAsync("/things?key=" + s_alice)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await gateway.GetAsync("/things?key=" + s_alice)).StatusCode);
        HttpResponseMessage refused = await gateway.GetAsync("/things?key=" + s_alice);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(50), refused.Headers.RetryAfter!.Delta);

        clock.Advance(TimeSpan.FromSeconds(50));
        Assert.Equal(HttpStatusCode.OK, (await gateway.GetAsync("/things?key=" + s_alice)).StatusCode);
    }

    [Fact]
    public async Task TwoInstancesSharingRedis_EnforceOneLimitExactly()
    {
        await using RedisServer redis = await RedisServer.StartAsync();
        TestGateway a = await StartAsync(Config(100), null, "--PORTCULLIS_REDIS", redis.Endpoint);
        TestGateway b = await StartAsync(Config(100), null, "--PORTCULLIS_REDIS", redis.Endpoint);
        using var clientA = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = a.Address };
        using var clientB = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = b.Address };

        HttpResponseMessage[] responses = await Task.WhenAll(Enumerable.Range(0, 1000).Select(i =>
            (i % 2 == 0 ? clientA : clientB).GetAsync("/things?key=" + s_alice)));

        Assert.Equal(100, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(900, responses.Count(r => r.StatusCode == HttpStatusCode.TooManyRequests));
        Assert.Equal(100, _backend.Requests.Count(r => r.Path == "/things"));
    }

    [Fact]
    public async Task RedisStoppedMidTest_FallsBackPerInstance_RequestsKeepFlowing()
    {
        RedisServer redis = await RedisServer.StartAsync();
        TestGateway gateway = await StartAsync(Config(1000), null, "--PORTCULLIS_REDIS", redis.Endpoint);
        Assert.Equal(HttpStatusCode.OK, (await gateway.GetAsync("/things?key=" + s_alice)).StatusCode);

        await redis.StopAsync();
        for (int i = 0; i < 20; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await gateway.GetAsync("/things?key=" + s_alice)).StatusCode);
        }

        await redis.DisposeAsync();
    }

    private Task<TestGateway> StartAsync(string config, Action<IServiceCollection>? configure = null, params string[] extraArgs) =>
        StartTrackedAsync(config, configure, extraArgs);

    private async Task<TestGateway> StartTrackedAsync(string config, Action<IServiceCollection>? configure, string[] extraArgs)
    {
        TestGateway gateway = await TestGateway.StartAsync(config, _backend.BaseAddress, Keys(), configure, ["--PORTCULLIS_BACKEND_AUTH", "off", .. extraArgs]);
        _gateways.Add(gateway);
        return gateway;
    }
}
