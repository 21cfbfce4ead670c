using Portcullis.Gateway.Tests.Infrastructure;
using Portcullis.Testing;
using Xunit.Abstractions;

namespace Portcullis.Gateway.Tests.Hardening;

/// <summary>
/// Property, over 100,000 generated requests sent raw over keep-alive loopback connections to the
/// real gateway: nothing reaches a protected operation's backend without the valid key, every
/// forwarded path is one the checked operation accepts and no protected one does when the checked
/// one is public, and no key or method override travels on (<see cref="BypassOracle"/>). The seed is
/// fixed and printed with every violation; <c>bench/fuzz</c> runs the same generator for millions.
/// </summary>
public sealed class BypassFuzzTests(ITestOutputHelper output) : GatewayTestBase
{
    private const long Seed = 20261201;
    private const int Cases = 100_000;

    internal static readonly string[] WrongKeys =
    [
        TestGateway.UnknownKey, TestGateway.ExpiredKey, TestGateway.RevokedKey, TestGateway.LimitedKey, "ptc_wrong", "x",
    ];

    internal override Task<TestGateway> StartGatewayAsync(EchoBackend backend) =>
        TestGateway.StartAsync(BypassApi.Config("{backend}"), backend.BaseAddress, null, "--Logging:LogLevel:Default", "Warning");

    [Fact]
    public async Task GeneratedRequests_NothingReachesAProtectedBackendWithoutAValidKey()
    {
        var runner = new BypassRunner(
            Gateway.Address,
            Backend,
            new BypassMutations(Seed, TestGateway.ValidKey, WrongKeys),
            new BypassOracle(TestGateway.ValidKey));

        BypassReport report = await runner.RunAsync(Cases);

        output.WriteLine(report.Summary());
        output.WriteLine(string.Join(", ", report.Hits.Select(h => $"{h.Key}: {h.Value}")));
        Assert.True(report.Violations.Count == 0, report.Summary() + "\n" + string.Join("\n", report.Violations));
        Assert.Equal(Cases, report.Cases);

        // The generator must exercise every side, or the property says nothing.
        Assert.True(report.ProtectedHits > 2_000, report.Summary());
        Assert.True(report.PublicHits > 2_000, report.Summary());
        Assert.True(report.RewrittenHits > 2_000, report.Summary());
        Assert.True(report.Hits.ContainsKey("publicAdmin") && report.Hits.ContainsKey("adminPost") && report.Hits.ContainsKey("listPartners"), report.Summary());
        foreach ((int status, int least) in new[] { (400, 5_000), (401, 1_000), (403, 50), (404, 5_000), (405, 1_000) })
        {
            Assert.True(report.Statuses.GetValueOrDefault(status) > least, $"too few {status}s: {report.Summary()}");
        }
    }

    [Fact]
    public void Generator_SameSeedAndIndex_SameCase()
    {
        var a = new BypassMutations(Seed, TestGateway.ValidKey, WrongKeys);
        var b = new BypassMutations(Seed, TestGateway.ValidKey, WrongKeys);
        var other = new BypassMutations(Seed + 1, TestGateway.ValidKey, WrongKeys);

        Assert.Equal(a.Generate(12345).ToString(), b.Generate(12345).ToString());
        Assert.NotEqual(
            Enumerable.Range(0, 20).Select(i => a.Generate(i).ToString()),
            Enumerable.Range(0, 20).Select(i => other.Generate(i).ToString()));
    }

    [Theory]
    // A protected operation reached with no key, with the wrong key first, or a public one reached with a protected path.
    [InlineData("GET", "/items/1", "", "/op/getItem/items/1")]
    [InlineData("GET", "/items/1", "?key=ptc_wrong&key=" + TestGateway.ValidKey, "/op/getItem/items/1")]
    [InlineData("GET", "/public/a/admin", "", "/op/publicRest/public/a/admin")]
    [InlineData("GET", "/public/%2e%2e/admin/x", "?key=" + TestGateway.ValidKey, "/op/adminGet/public/%2e%2e/admin/x")]
    [InlineData("POST", "/status", "", "/op/getStatus/status")]
    public void Oracle_ABypassReachingTheBackend_IsAViolation(string method, string path, string query, string backendTarget)
    {
        var sent = new BypassCase(0, method, path + query, [], KeyOnlyInKeyLocations: true);
        int q = backendTarget.IndexOf('?', StringComparison.Ordinal);
        var received = new RecordedRequest(
            method,
            backendTarget,
            q < 0 ? backendTarget : backendTarget[..q],
            q < 0 ? "" : backendTarget[q..],
            new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase) { ["X-Portcullis-Consumer"] = [BypassApi.Consumer] },
            [],
            "HTTP/1.1",
            DateTimeOffset.UtcNow);

        Assert.NotNull(new BypassOracle(TestGateway.ValidKey).Judge(sent, received));
    }
}
