using System.Net;
using Portcullis.PolicyEngine.Keys;

namespace Portcullis.PolicyEngine.Tests.Keys;

public sealed class KeyringTests
{
    private static readonly DateTimeOffset s_now = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Check_Lifecycle_ValidThenExpiredToTheSecond()
    {
        string key = ApiKeys.Generate();
        var keyring = new Keyring([Keyring.NewRecord(key, "acme", s_now, expires: s_now.AddSeconds(10))]);

        Assert.Equal(KeyVerdict.Valid, keyring.Check(key, s_now.AddSeconds(9)).Verdict);
        Assert.Equal(KeyVerdict.Expired, keyring.Check(key, s_now.AddSeconds(10)).Verdict);
    }

    [Fact]
    public void Check_RevokedKey_IsRevokedFromTheRevocationTime()
    {
        string key = ApiKeys.Generate();
        var keyring = new Keyring([Keyring.NewRecord(key, "acme", s_now) with { Revoked = s_now.AddMinutes(1) }]);

        Assert.Equal(KeyVerdict.Valid, keyring.Check(key, s_now).Verdict);
        Assert.Equal(KeyVerdict.Revoked, keyring.Check(key, s_now.AddMinutes(1)).Verdict);
    }

    [Fact]
    public void Check_UnknownOrMalformed_IsUnknown()
    {
        string key = ApiKeys.Generate();
        var keyring = new Keyring([Keyring.NewRecord(key, "acme", s_now)]);

        Assert.Equal(KeyVerdict.Unknown, keyring.Check(ApiKeys.Generate(), s_now).Verdict);
        Assert.Equal(KeyVerdict.Unknown, keyring.Check(key[..^1] + (key[^1] == 'a' ? 'b' : 'a'), s_now).Verdict);
        Assert.Equal(KeyVerdict.Unknown, keyring.Check("", s_now).Verdict);
    }

    [Fact]
    public void Serialize_NeverContainsTheKey_AndRoundTrips()
    {
        string key = ApiKeys.Generate();
        KeyRecord record = Keyring.NewRecord(key, "acme", s_now, s_now.AddDays(1)) with
        {
            Labels = new Dictionary<string, string> { ["env"] = "prod" },
            AllowedOperations = new HashSet<string> { "listShelves" },
            Metadata = new Dictionary<string, string> { ["plan"] = "gold" },
        };

        string json = Keyring.Serialize([record]);
        Keyring parsed = Keyring.TryParse(json, out IReadOnlyList<string> errors)!;

        Assert.DoesNotContain(key, json, StringComparison.Ordinal);
        Assert.DoesNotContain(key[4..], json, StringComparison.Ordinal);
        Assert.Empty(errors);
        KeyRecord back = Assert.Single(parsed.Records);
        Assert.Equal(record.Id, back.Id);
        Assert.Equal(KeyVerdict.Valid, parsed.Check(key, s_now).Verdict);
        Assert.Equal("{\"plan\":\"gold\"}", back.MetadataJson);
        Assert.False(back.Allows("deleteShelf"));
    }

    [Fact]
    public void TryParse_BadRecords_ReportsEveryOne()
    {
        string hash = new('a', 64);
        string json = $$"""
            { "keys": [
              { "sha256": "nothex", "consumer": "a" },
              { "sha256": "{{hash}}" },
              { "sha256": "{{hash}}", "consumer": "b", "restrictions": { "ips": ["300.1.1.1/8"] } },
              { "sha256": "{{hash}}", "consumer": "c" }
            ] }
            """;

        Keyring? keyring = Keyring.TryParse(json, out IReadOnlyList<string> errors);

        Assert.Null(keyring);
        Assert.Equal(4, errors.Count);
    }

    [Fact]
    public void TryParse_NotJson_IsRefused()
    {
        Assert.Null(Keyring.TryParse("{ keys: [", out IReadOnlyList<string> errors));
        Assert.Single(errors);
    }

    [Theory]
    [InlineData("10.1.2.3", null, "op", KeyRefusal.None)]
    [InlineData("192.168.0.1", null, "op", KeyRefusal.IpAddressBlocked)]
    [InlineData(null, null, "op", KeyRefusal.IpAddressBlocked)]
    [InlineData("10.1.2.3", null, "other", KeyRefusal.OperationBlocked)]
    public void CheckRestrictions_Networks(string? ip, string? referer, string operation, KeyRefusal expected)
    {
        KeyRecord record = Keyring.NewRecord(ApiKeys.Generate(), "acme", s_now) with
        {
            AllowedNetworks = [IPNetwork.Parse("10.0.0.0/8"), IPNetwork.Parse("2001:db8::/32")],
            AllowedOperations = new HashSet<string> { "op" },
        };

        Assert.Equal(expected, record.CheckRestrictions(ip is null ? null : IPAddress.Parse(ip), referer, operation));
    }

    [Theory]
    [InlineData("*.example.com/*", "https://app.example.com/x", true)]
    [InlineData("*.example.com/*", "https://evil.com/app.example.com/", false)]
    [InlineData("*.example.com/*", "https://example.com.evil.com/", false)]
    [InlineData("example.com", "http://EXAMPLE.com/any/path", true)]
    [InlineData("https://example.com/app/*", "https://example.com/app/page?q=1", true)]
    [InlineData("https://example.com/app/*", "http://example.com/app/page", false)]
    [InlineData("https://example.com/app/*", "https://example.com/other", false)]
    [InlineData("example.com", "not a url", false)]
    public void ReferrerPattern_Matches(string pattern, string referer, bool expected)
    {
        Assert.Equal(expected, new ReferrerPattern(pattern).Matches(referer));
    }

    [Theory]
    [InlineData("203.0.113.9", "10.0.0.1", 0, "10.0.0.1")]
    [InlineData("203.0.113.9", "10.0.0.1", 1, "203.0.113.9")]
    [InlineData("1.1.1.1, 203.0.113.9", "10.0.0.1", 1, "203.0.113.9")]
    [InlineData("1.1.1.1, 203.0.113.9", "10.0.0.1", 2, "1.1.1.1")]
    [InlineData("203.0.113.9", "10.0.0.1", 2, null)]
    [InlineData("garbage", "10.0.0.1", 1, null)]
    public void ClientAddress_Resolve_TakesTrustedHopFromTheRight(string xff, string remote, int hops, string? expected)
    {
        Assert.Equal(expected, ClientAddress.Resolve(xff, IPAddress.Parse(remote), hops)?.ToString());
    }
}
