using System.Net;
using Microsoft.Extensions.Time.Testing;
using Portcullis.PolicyEngine.Keys;

namespace Portcullis.PolicyEngine.Tests.Keys;

public sealed class KeyringTests
{
    private static readonly DateTimeOffset s_now = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Check_KnownKey_IsValidWithItsRecord()
    {
        string key = ApiKeys.Generate();
        KeyRecord record = Keyring.NewRecord(key, "acme", s_now);
        var keyring = new Keyring([record, Keyring.NewRecord(ApiKeys.Generate(), "other", s_now)]);

        KeyCheck check = keyring.Check(key, s_now);

        Assert.Equal(KeyVerdict.Valid, check.Verdict);
        Assert.Same(record, check.Record);
        Assert.Equal("acme", check.Record!.Consumer);
    }

    [Fact]
    public void Check_ExpiringKey_IsValidUntilExpiresThenExpiredToTheSecond()
    {
        var clock = new FakeTimeProvider(s_now);
        string key = ApiKeys.Generate();
        var keyring = new Keyring([Keyring.NewRecord(key, "acme", s_now, expires: s_now.AddSeconds(10))]);

        clock.Advance(TimeSpan.FromSeconds(9));
        Assert.Equal(KeyVerdict.Valid, keyring.Check(key, clock.GetUtcNow()).Verdict);
        clock.Advance(TimeSpan.FromSeconds(1) - TimeSpan.FromTicks(1));
        Assert.Equal(KeyVerdict.Valid, keyring.Check(key, clock.GetUtcNow()).Verdict);
        clock.Advance(TimeSpan.FromTicks(1));
        KeyCheck atExpiry = keyring.Check(key, clock.GetUtcNow());
        Assert.Equal(KeyVerdict.Expired, atExpiry.Verdict);
        Assert.Equal("acme", atExpiry.Record!.Consumer);
        clock.Advance(TimeSpan.FromDays(365));
        Assert.Equal(KeyVerdict.Expired, keyring.Check(key, clock.GetUtcNow()).Verdict);
    }

    [Fact]
    public void Check_ExpiryInAnotherOffset_IsTheSameInstant()
    {
        string key = ApiKeys.Generate();
        DateTimeOffset expiresInParis = s_now.ToOffset(TimeSpan.FromHours(1));
        var keyring = new Keyring([Keyring.NewRecord(key, "acme", s_now, expiresInParis)]);

        Assert.Equal(KeyVerdict.Valid, keyring.Check(key, s_now.AddTicks(-1)).Verdict);
        Assert.Equal(KeyVerdict.Expired, keyring.Check(key, s_now).Verdict);
    }

    [Theory]
    [InlineData(-1, KeyVerdict.Valid)]
    [InlineData(0, KeyVerdict.Revoked)]
    [InlineData(1, KeyVerdict.Revoked)]
    [InlineData(86_400, KeyVerdict.Revoked)]
    public void Check_RevokedKey_IsRevokedFromTheRevocationTime(int secondsAfterRevocation, KeyVerdict expected)
    {
        DateTimeOffset revoked = s_now.AddMinutes(1);
        string key = ApiKeys.Generate();
        var keyring = new Keyring([Keyring.NewRecord(key, "acme", s_now) with { Revoked = revoked }]);

        Assert.Equal(expected, keyring.Check(key, revoked.AddSeconds(secondsAfterRevocation)).Verdict);
    }

    [Fact]
    public void Check_RevokedAndExpired_IsRevoked()
    {
        string key = ApiKeys.Generate();
        var keyring = new Keyring([Keyring.NewRecord(key, "acme", s_now, s_now.AddSeconds(1)) with { Revoked = s_now }]);

        Assert.Equal(KeyVerdict.Revoked, keyring.Check(key, s_now.AddSeconds(5)).Verdict);
    }

    [Fact]
    public void Check_UnknownOrMalformed_IsUnknown()
    {
        string key = ApiKeys.Generate();
        var keyring = new Keyring([Keyring.NewRecord(key, "acme", s_now)]);

        Assert.Equal(KeyCheck.Unknown, keyring.Check(ApiKeys.Generate(), s_now));
        Assert.Equal(KeyCheck.Unknown, keyring.Check(key[..^1] + (key[^1] == 'a' ? 'b' : 'a'), s_now));
        Assert.Equal(KeyCheck.Unknown, keyring.Check(key.ToUpperInvariant(), s_now));
        Assert.Equal(KeyCheck.Unknown, keyring.Check(key + " ", s_now));
        Assert.Equal(KeyCheck.Unknown, keyring.Check(key.AsSpan(0, key.Length - 1), s_now));
        Assert.Equal(KeyCheck.Unknown, keyring.Check("", s_now));
        Assert.Equal(KeyCheck.Unknown, Keyring.Empty.Check(key, s_now));
    }

    [Fact]
    public void Serialize_NeverContainsTheKey_AndRoundTrips()
    {
        string key = ApiKeys.Generate();
        KeyRecord record = Keyring.NewRecord(key, "acme", s_now, s_now.AddDays(1)) with
        {
            Revoked = s_now.AddHours(1),
            Labels = new Dictionary<string, string> { ["env"] = "prod" },
            AllowedOperations = new HashSet<string> { "listShelves" },
            AllowedNetworks = [IPNetwork.Parse("10.0.0.0/8")],
            AllowedReferrers = [new ReferrerPattern("*.example.com/*")],
            Metadata = new Dictionary<string, string> { ["plan"] = "gold" },
            QuotaOverrides = new Dictionary<string, long> { ["read-limit"] = 5 },
        };

        string json = Keyring.Serialize([record]);
        Keyring parsed = Keyring.TryParse(json, out IReadOnlyList<string> errors)!;

        Assert.DoesNotContain(key, json, StringComparison.Ordinal);
        Assert.DoesNotContain(key[4..], json, StringComparison.Ordinal);
        Assert.DoesNotContain(key[4..34], json, StringComparison.Ordinal);
        Assert.Contains(record.Digest.ToHex(), json, StringComparison.Ordinal);
        Assert.Empty(errors);
        KeyRecord back = Assert.Single(parsed.Records);
        Assert.Equal(record.Id, back.Id);
        Assert.Equal(record.Digest, back.Digest);
        Assert.Equal(record.Expires, back.Expires);
        Assert.Equal(record.Revoked, back.Revoked);
        Assert.Equal("prod", back.Labels["env"]);
        Assert.Equal(KeyVerdict.Valid, parsed.Check(key, s_now).Verdict);
        Assert.Equal(KeyVerdict.Revoked, parsed.Check(key, s_now.AddHours(1)).Verdict);
        Assert.Equal("{\"plan\":\"gold\"}", back.MetadataJson);
        Assert.Equal(5, back.QuotaOverrides!["read-limit"]);
        Assert.False(back.Allows("deleteShelf"));
        Assert.Equal(KeyRefusal.None, back.CheckRestrictions(IPAddress.Parse("10.1.1.1"), "https://a.example.com/x", "listShelves"));
        Assert.Equal(KeyRefusal.RefererBlocked, back.CheckRestrictions(IPAddress.Parse("10.1.1.1"), "https://evil.test/", "listShelves"));
    }

    [Fact]
    public void NewRecord_KeepsOnlyTheHash()
    {
        string key = ApiKeys.Generate();

        KeyRecord record = Keyring.NewRecord(key, "acme", s_now);

        Assert.True(KeyDigest.TryCompute(key, out KeyDigest digest));
        Assert.Equal(digest, record.Digest);
        Assert.Equal(digest.ToKeyId(), record.Id);
        Assert.DoesNotContain(key[4..], record.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not-a-key")]
    [InlineData("ptc_valid00000000000000000000000003i6lTe0")]
    public void NewRecord_MalformedKey_Throws(string key)
    {
        Assert.Throws<ArgumentException>(() => Keyring.NewRecord(key, "acme", s_now));
    }

    [Fact]
    public void TryParse_BadRecords_ReportsEveryOne()
    {
        string hash = new('a', 64);
        string other = new('b', 64);
        string json = $$"""
            { "keys": [
              { "sha256": "nothex", "consumer": "a" },
              { "sha256": "{{new string('a', 63)}}", "consumer": "a" },
              { "consumer": "a" },
              { "sha256": "{{hash}}" },
              { "sha256": "{{hash}}", "consumer": "  " },
              { "sha256": "{{hash}}", "consumer": "b", "restrictions": { "ips": ["300.1.1.1/8", "10.0.0.0/8", "nonsense"] } },
              { "sha256": "{{hash}}", "consumer": "c" },
              { "sha256": "{{hash.ToUpperInvariant()}}", "consumer": "d" },
              { "sha256": "{{other}}", "consumer": "e", "quota": { "l": -1 } }
            ] }
            """;

        Keyring? keyring = Keyring.TryParse(json, out IReadOnlyList<string> errors);

        Assert.Null(keyring);
        Assert.Equal(
            [
                "/keys/0/sha256",
                "/keys/1/sha256",
                "/keys/2/sha256",
                "/keys/3/consumer",
                "/keys/4/consumer",
                "/keys/5/restrictions/ips",
                "/keys/5/restrictions/ips",
                "/keys/6",
                "/keys/7",
                "/keys/8/quota",
            ],
            errors.Select(e => e[..e.IndexOf(':', StringComparison.Ordinal)]));
        Assert.Contains("appears twice", errors[7], StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_DuplicateHash_IsRefused()
    {
        string key = ApiKeys.Generate();
        KeyRecord record = Keyring.NewRecord(key, "acme", s_now);
        string json = Keyring.Serialize([record, record with { Consumer = "impostor" }]);

        Assert.Null(Keyring.TryParse(json, out IReadOnlyList<string> errors));
        Assert.Contains("/keys/1: the same key hash appears twice", errors);
    }

    [Theory]
    [InlineData("{ keys: [")]
    [InlineData("")]
    [InlineData("[]")]
    [InlineData("{ \"keys\": 3 }")]
    public void TryParse_NotAKeyringDocument_IsRefused(string json)
    {
        Assert.Null(Keyring.TryParse(json, out IReadOnlyList<string> errors));
        Assert.Single(errors);
    }

    [Theory]
    [InlineData("null")]
    [InlineData("{ \"keys\": null }")]
    [InlineData("{ \"keys\": [null] }")]
    [InlineData("{ \"keys\": [{ \"sha256\": \"x\", \"consumer\": \"a\" }, null] }")]
    public void TryParse_NullWhereADocumentOrRecordBelongs_IsReportedNotThrown(string json)
    {
        Keyring? keyring = Keyring.TryParse(json, out IReadOnlyList<string> errors);

        Assert.Null(keyring);
        Assert.NotEmpty(errors);
    }

    [Fact]
    public void TryParse_EmptyKeyList_IsAnEmptyKeyring()
    {
        Keyring keyring = Keyring.TryParse("{ \"keys\": [] }", out IReadOnlyList<string> errors)!;

        Assert.Empty(errors);
        Assert.Equal(0, keyring.Count);
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
