using System.Security.Cryptography;
using System.Text;
using Portcullis.PolicyEngine.Keys;

namespace Portcullis.PolicyEngine.Tests.Keys;

public sealed class Sha256Tests
{
    // FIPS 180-4 examples (NIST CSRC "SHA256.pdf", "SHA256_2blocks") and the empty message.
    [Theory]
    [InlineData("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    [InlineData("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")]
    [InlineData("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")]
    public void FipsVectors(string message, string expected)
    {
        Span<byte> hash = stackalloc byte[32];
        Sha256.HashData(Encoding.ASCII.GetBytes(message), hash);
        Assert.Equal(expected, Convert.ToHexStringLower(hash));
    }

    [Fact]
    public void MillionAs()
    {
        Span<byte> hash = stackalloc byte[32];
        Sha256.HashData(Enumerable.Repeat((byte)'a', 1_000_000).ToArray(), hash);
        Assert.Equal("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0", Convert.ToHexStringLower(hash));
    }

    [Fact]
    public void AgreesWithTheSystemSha256_AtEveryLengthAroundTheBlockEdges()
    {
        var random = new Random(146900059);
        Span<byte> ours = stackalloc byte[32];
        for (int length = 0; length <= 1100; length++)
        {
            for (int round = 0; round < 5; round++)
            {
                byte[] data = new byte[length];
                random.NextBytes(data);
                Sha256.HashData(data, ours);
                Assert.True(ours.SequenceEqual(SHA256.HashData(data)), $"length {length}");
            }
        }
    }

    [Fact]
    public void KeyDigest_IsTheSha256OfTheKeysUtf8()
    {
        for (int i = 0; i < 200; i++)
        {
            string key = ApiKeys.Generate();
            Assert.True(KeyDigest.TryCompute(key, out KeyDigest digest));
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key))), digest.ToHex());
        }

        Assert.True(KeyDigest.TryCompute("clé-ñ-🔑", out KeyDigest unicode));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("clé-ñ-🔑"))), unicode.ToHex());
    }
}
