using System.Security.Cryptography;
using System.Text;
using Portcullis.PolicyEngine.Keys;

namespace Portcullis.PolicyEngine.Tests.Keys;

public sealed class KeyDigestTests
{
    [Fact]
    public void TryCompute_IsSha256OfTheUtf8Key()
    {
        const string key = "ptc_example";

        Assert.True(KeyDigest.TryCompute(key, out KeyDigest digest));

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key))), digest.ToHex());
        Assert.Equal(digest.ToHex()[..12], digest.ToKeyId());
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(1, true)]
    [InlineData(KeyDigest.MaxKeyLength, true)]
    [InlineData(KeyDigest.MaxKeyLength + 1, false)]
    public void TryCompute_Length_IsBounded(int length, bool expected)
    {
        Assert.Equal(expected, KeyDigest.TryCompute(new string('k', length), out _));
    }

    [Fact]
    public void TryCompute_NonAsciiKeyAtTheLimit_IsHashed()
    {
        string key = new('\u20AC', KeyDigest.MaxKeyLength);

        Assert.True(KeyDigest.TryCompute(key, out KeyDigest digest));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key))), digest.ToHex());
    }

    [Fact]
    public void TryParseHex_RoundTripsAndIgnoresCase()
    {
        KeyDigest.TryCompute("k", out KeyDigest digest);

        Assert.True(KeyDigest.TryParseHex(digest.ToHex(), out KeyDigest lower));
        Assert.True(KeyDigest.TryParseHex(digest.ToHex().ToUpperInvariant(), out KeyDigest upper));
        Assert.Equal(digest, lower);
        Assert.Equal(digest, upper);
        Assert.True(digest == upper);
        Assert.Equal(digest.GetHashCode(), upper.GetHashCode());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    [InlineData("gaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    [InlineData(" aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    public void TryParseHex_NotSixtyFourHexCharacters_IsFalse(string? hex)
    {
        Assert.False(KeyDigest.TryParseHex(hex, out _));
    }

    [Fact]
    public void Equals_DifferentKeys_AreDifferent()
    {
        KeyDigest.TryCompute("a", out KeyDigest a);
        KeyDigest.TryCompute("b", out KeyDigest b);

        Assert.NotEqual(a, b);
        Assert.True(a != b);
    }
}
