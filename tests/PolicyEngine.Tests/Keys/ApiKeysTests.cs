using Portcullis.PolicyEngine.Keys;

namespace Portcullis.PolicyEngine.Tests.Keys;

public sealed class ApiKeysTests
{
    [Fact]
    public void Generate_IsWellFormedAndUnique()
    {
        var keys = Enumerable.Range(0, 1000).Select(_ => ApiKeys.Generate()).ToList();

        Assert.All(keys, k => Assert.True(ApiKeys.IsWellFormed(k), k));
        Assert.All(keys, k => Assert.StartsWith("ptc_", k, StringComparison.Ordinal));
        Assert.Equal(keys.Count, keys.Distinct().Count());
    }

    [Fact]
    public void IsWellFormed_AnySingleCharacterChange_IsDetected()
    {
        string key = ApiKeys.Generate();
        for (int i = 4; i < key.Length; i++)
        {
            char replacement = key[i] == 'A' ? 'B' : 'A';
            string typo = key[..i] + replacement + key[(i + 1)..];
            Assert.False(ApiKeys.IsWellFormed(typo), typo);
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("ptc_")]
    [InlineData("xyz_valid00000000000000000000000003i6lTe")]
    [InlineData("ptc_valid00000000000000000000000003i6lTe0")]
    [InlineData("ptc_valid0000000000000000000000-003i6lTe")]
    public void IsWellFormed_Malformed_IsFalse(string key)
    {
        Assert.False(ApiKeys.IsWellFormed(key));
    }

    [Fact]
    public void Crc32C_KnownVector()
    {
        Assert.Equal(0xE3069283u, Crc32C.Compute("123456789"u8));
    }

    // RFC 3720 (iSCSI) B.4 vectors: 32 bytes of zeros, of 0xFF, ascending (-1), descending (-2).
    [Theory]
    [InlineData(0x00, 0x8A9136AAu)]
    [InlineData(0xFF, 0x62A8AB43u)]
    [InlineData(-1, 0x46DD794Eu)]
    [InlineData(-2, 0x113FDB5Cu)]
    public void Crc32C_Rfc3720Vectors(int fill, uint expected)
    {
        byte[] data = new byte[32];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = fill switch { -1 => (byte)i, -2 => (byte)(31 - i), _ => (byte)fill };
        }

        Assert.Equal(expected, Crc32C.Compute(data));
        Assert.Equal(expected, Crc32C.ComputeWithTable(data));
    }

    [Fact]
    public void Crc32C_CpuInstruction_AgreesWithTable_AtEveryLengthAndOffset()
    {
        var random = new Random(20261201);
        byte[] data = new byte[200];
        random.NextBytes(data);
        for (int offset = 0; offset < 8; offset++)
        {
            for (int length = 0; length + offset <= data.Length; length++)
            {
                ReadOnlySpan<byte> slice = data.AsSpan(offset, length);
                Assert.Equal(Crc32C.ComputeWithTable(slice), Crc32C.Compute(slice));
            }
        }
    }
}
