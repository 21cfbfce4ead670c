using System.Net;
using Portcullis.Gateway.Tests.Infrastructure;
using Portcullis.PolicyEngine.Keys;
using Portcullis.Testing;

namespace Portcullis.Gateway.Tests.Faults;

/// <summary>
/// Fault matrix (issue 8), Redis (<c>PORTCULLIS_REDIS</c>): a Redis that is gone mid-run is in
/// <see cref="Quotas.QuotaTests"/>; this is the one that was never there. The gateway starts,
/// and quotas are still enforced, per instance, rather than dropped.
/// </summary>
public sealed class RedisFaultTests : GatewayTestBase
{
    private static readonly string s_key = ApiKeys.FromBody("redisfault00000000000000000000");

    internal override Task<TestGateway> StartGatewayAsync(EchoBackend backend) => TestGateway.StartAsync(
        Configs.Quota(readLimit: 2),
        backend.BaseAddress,
        [Keyring.NewRecord(s_key, "alice", DateTimeOffset.UtcNow)],
        "--PORTCULLIS_REDIS", "127.0.0.1:9");

    [Fact]
    public async Task RedisUnreachableFromStart_GatewayServes_QuotaEnforcedPerInstance()
    {
        var statuses = new List<HttpStatusCode>();
        for (int i = 0; i < 3; i++)
        {
            statuses.Add((await Gateway.GetAsync("/things?key=" + s_key)).StatusCode);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal(2, Backend.RequestCount);
    }
}
