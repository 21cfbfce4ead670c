using System.Net;
using Portcullis.Gateway.Tests.Infrastructure;
using Portcullis.PolicyEngine.Keys;
using Portcullis.Testing;

namespace Portcullis.Gateway.Tests;

/// <summary>Keyring lifecycle as the gateway sees it: restrictions, reload on poll, last good keyring kept.</summary>
public sealed class GatewayKeyringTests : GatewayTestBase
{
    private static readonly string s_officeKey = ApiKeys.FromBody("office000000000000000000000000");
    private static readonly string s_webKey = ApiKeys.FromBody("web00000000000000000000000000a");
    private static readonly string s_planKey = ApiKeys.FromBody("plan0000000000000000000000000b");
    internal override Task<TestGateway> StartGatewayAsync(EchoBackend backend)
    {
        DateTimeOffset now = DateTimeOffset.UtcNow;
        KeyRecord office = Keyring.NewRecord(s_officeKey, "office", now);
        KeyRecord web = Keyring.NewRecord(s_webKey, "web", now);
        KeyRecord plan = Keyring.NewRecord(s_planKey, "planned", now) with { Metadata = new Dictionary<string, string> { ["plan"] = "gold" } };
        string json = Keyring.Serialize([office, web, plan])
            .Replace($"\"id\": \"{office.Id}\",", $"\"id\": \"{office.Id}\", \"restrictions\": {{ \"ips\": [\"203.0.113.0/24\"] }},", StringComparison.Ordinal)
            .Replace($"\"id\": \"{web.Id}\",", $"\"id\": \"{web.Id}\", \"restrictions\": {{ \"referrers\": [\"*.example.com/*\"] }},", StringComparison.Ordinal);
        Keyring parsed = Keyring.TryParse(json, out IReadOnlyList<string> errors) ?? throw new InvalidOperationException(string.Join(";", errors));
        return TestGateway.StartAsync(Configs.Things, backend.BaseAddress, parsed.Records, "--PORTCULLIS_TRUSTED_HOPS", "1");
    }

    [Theory]
    [InlineData("203.0.113.7", HttpStatusCode.OK)]
    [InlineData("198.51.100.1, 203.0.113.7", HttpStatusCode.OK)]
    [InlineData("203.0.113.7, 198.51.100.1", HttpStatusCode.Forbidden)]
    [InlineData("198.51.100.1", HttpStatusCode.Forbidden)]
    public async Task IpRestriction_UsesForwardedForWithTrustedHops(string forwardedFor, HttpStatusCode expected)
    {
        HttpResponseMessage response = await Gateway.GetAsync("/things?key=" + s_officeKey, r => r.Headers.Add("X-Forwarded-For", forwardedFor));

        if (expected == HttpStatusCode.Forbidden)
        {
            await ErrorAssert.IsAsync(response, HttpStatusCode.Forbidden, "PERMISSION_DENIED: IP address blocked.");
        }
        else
        {
            Assert.Equal(expected, response.StatusCode);
        }
    }

    [Fact]
    public async Task IpRestriction_NoForwardedFor_IsBlocked()
    {
        HttpResponseMessage response = await Gateway.GetAsync("/things?key=" + s_officeKey);

        await ErrorAssert.IsAsync(response, HttpStatusCode.Forbidden, "PERMISSION_DENIED: IP address blocked.");
    }

    [Theory]
    [InlineData("https://app.example.com/page?x=1", HttpStatusCode.OK)]
    [InlineData("https://evil.com/app.example.com/", HttpStatusCode.Forbidden)]
    [InlineData(null, HttpStatusCode.Forbidden)]
    public async Task ReferrerRestriction_MatchesPattern(string? referer, HttpStatusCode expected)
    {
        HttpResponseMessage response = await Gateway.GetAsync("/things?key=" + s_webKey, r =>
        {
            if (referer is not null)
            {
                r.Headers.Referrer = new Uri(referer);
            }
        });

        if (expected == HttpStatusCode.Forbidden)
        {
            await ErrorAssert.IsAsync(response, HttpStatusCode.Forbidden, "PERMISSION_DENIED: Referer blocked.");
        }
        else
        {
            Assert.Equal(expected, response.StatusCode);
        }
    }

    [Fact]
    public async Task KeyMetadata_IsForwardedAsJsonHeader_AndInboundCopyRemoved()
    {
        await Gateway.GetAsync("/things?key=" + s_planKey, r => r.Headers.Add("X-Portcullis-Key-Metadata", "{\"plan\":\"platinum\"}"));

        Assert.Equal(["{\"plan\":\"gold\"}"], Backend.Last!.Headers["X-Portcullis-Key-Metadata"]);
    }
}
