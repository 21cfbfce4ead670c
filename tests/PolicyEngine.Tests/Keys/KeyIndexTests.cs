using Portcullis.PolicyEngine.Keys;
using Portcullis.PolicyEngine.Keys.Sharded;

namespace Portcullis.PolicyEngine.Tests.Keys;

public sealed class KeyIndexTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);

    private static (string Key, KeyRecord Record) NewKey(string consumer)
    {
        string key = ApiKeys.Generate();
        return (key, Keyring.NewRecord(key, consumer, Now.AddDays(-1)));
    }

    [Fact]
    public void Codec_RoundTripsEveryField()
    {
        (_, KeyRecord plain) = NewKey("acme");
        KeyRecord full = Keyring.TryParse("""
            {"keys":[{"id":"custom-id","sha256":"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff","consumer":"bé",
              "created":"2026-01-01T00:00:00Z","expires":"2027-01-01T00:00:00Z","revoked":"2026-06-01T00:00:00Z",
              "labels":{"env":"prod"},"metadata":{"plan":"gold"},"quota":{"read":5},"imported":true,
              "restrictions":{"ips":["10.0.0.0/8"],"referrers":["*.example.com/*"],"operations":["listThings"]}}]}
            """, out IReadOnlyList<string> errors)!.Records.Single();
        Assert.Empty(errors);

        byte[] shard = KeyShard.Encode(0, 0, [plain, full]);
        KeyShard loaded = KeyShard.TryLoad(shard, 0, 0, out string? error)!;

        Assert.Null(error);
        KeyRecord back = loaded.Find(full.Digest)!;
        Assert.Equal(Keyring.Serialize([full]), Keyring.Serialize([back]));
        Assert.True(back.Imported);
        Assert.Equal(Keyring.Serialize([plain]), Keyring.Serialize([loaded.Find(plain.Digest)!]));
        Assert.True(loaded.HasImported);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(5)]
    [InlineData(30)]
    public void TryLoad_TruncatedOrForeignShard_IsRefused(int cut)
    {
        byte[] shard = KeyShard.Encode(0, 0, [NewKey("a").Record, NewKey("b").Record]);

        Assert.Null(KeyShard.TryLoad(shard[..^cut], 0, 0, out string? truncated));
        Assert.NotNull(truncated);
        Assert.Null(KeyShard.TryLoad(shard, 1, 0, out _));
    }

    [Fact]
    public void Check_SameVerdictsAsKeyring_JournalWinsOverShard()
    {
        var keys = Enumerable.Range(0, 500).Select(i => NewKey($"c{i}")).ToList();
        const int Bits = 2;
        var shards = new KeyShard?[1 << Bits];
        foreach (IGrouping<int, KeyRecord> group in keys.Select(k => k.Record).GroupBy(r => r.Digest.TopBits(Bits)))
        {
            shards[group.Key] = KeyShard.TryLoad(KeyShard.Encode(Bits, group.Key, group.ToList()), Bits, group.Key, out _);
        }

        (string addedKey, KeyRecord added) = NewKey("added");
        var index = new KeyIndex(Bits, shards, [keys[3].Record with { Revoked = Now.AddMinutes(-1) }, keys[4].Record with { Expires = Now }, added]);

        Assert.Equal(501, index.Count);
        Assert.Equal(KeyVerdict.Revoked, index.Check(keys[3].Key, Now).Verdict);
        Assert.Equal(KeyVerdict.Expired, index.Check(keys[4].Key, Now).Verdict);
        Assert.Equal(KeyVerdict.Valid, index.Check(keys[5].Key, Now).Verdict);
        Assert.Equal(KeyVerdict.Valid, index.Check(addedKey, Now).Verdict);
        Assert.Equal(KeyVerdict.Unknown, index.Check(ApiKeys.Generate(), Now).Verdict);
        Assert.Equal(KeyVerdict.Unknown, index.Check("not-a-key-but-long-enough-to-be-imported", Now).Verdict);
        Assert.Same(index.Check(keys[5].Key, Now).Record, index.Check(keys[5].Key, Now).Record);
    }

    [Fact]
    public void Page_WalksEveryRecordOnce_WithJournalVersions()
    {
        var keys = Enumerable.Range(0, 37).Select(i => NewKey($"c{i}").Record).ToList();
        KeyShard shard = KeyShard.TryLoad(KeyShard.Encode(0, 0, keys), 0, 0, out _)!;
        KeyRecord extra = NewKey("extra").Record;
        var index = new KeyIndex(0, [shard], [keys[0] with { Revoked = Now }, extra]);

        var seen = new List<KeyRecord>();
        string? token = null;
        do
        {
            seen.AddRange(index.Page(token, 10, out token));
        }
        while (token is not null);

        Assert.Equal(38, seen.Count);
        Assert.Equal(38, seen.Select(r => r.Id).Distinct().Count());
        Assert.Equal(Now, seen.Single(r => r.Id == keys[0].Id).Revoked);
        Assert.Contains(seen, r => r.Id == extra.Id);
    }

    [Fact]
    public void Check_AfterFirstUse_AllocatesNothing()
    {
        (string key, KeyRecord record) = NewKey("acme");
        KeyIndex index = KeyIndex.FromRecords([record]);
        _ = index.Check(key, Now);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            _ = index.Check(key, Now);
        }

        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }
}
