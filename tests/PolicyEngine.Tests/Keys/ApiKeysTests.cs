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
}
