using Portcullis.PolicyEngine.Keys;
using Portcullis.PolicyEngine.Policy;

namespace Portcullis.PolicyEngine.Tests.Keys;

/// <summary>Where the key is found: espv2-behaviour.md §1.2.</summary>
public sealed class KeyExtractorTests
{
    private static readonly IReadOnlyList<KeyLocation> s_custom =
    [
        new(KeyLocationKind.Query, "token"),
        new(KeyLocationKind.Header, "X-Custom-Key"),
    ];

    [Theory]
    // Default order: query key, query api_key, header x-api-key.
    [InlineData("?key=K1", null, "K1")]
    [InlineData("?api_key=K2", null, "K2")]
    [InlineData("", "K3", "K3")]
    [InlineData("?api_key=A&key=B", null, "B")]
    [InlineData("?api_key=A", "H", "A")]
    [InlineData("?key=Q", "H", "Q")]
    [InlineData("?a=1&key=K&b=2", null, "K")]
    // First value of a repeated parameter wins.
    [InlineData("?key=A&key=B", null, "A")]
    [InlineData("?api_key=A&api_key=B", null, "A")]
    // ESPv2 edge case: a present but empty key stops the search.
    [InlineData("?key=&api_key=valid", null, null)]
    [InlineData("?key&api_key=valid", null, null)]
    [InlineData("?key=", "H", null)]
    // Percent-encoding is decoded, in values and names.
    [InlineData("?key=a%2Bb%5Fc", null, "a+b_c")]
    [InlineData("?k%65y=K", null, "K")]
    [InlineData("?api%5Fkey=K", null, "K")]
    // Names are case-sensitive in the query.
    [InlineData("?KEY=K", null, null)]
    [InlineData("?other=1", null, null)]
    [InlineData("?akey=1&key_=2", null, null)]
    [InlineData("", null, null)]
    [InlineData("?", null, null)]
    public void Extract_DefaultLocations_FollowEspOrder(string query, string? header, string? expected)
    {
        DictionaryHeaders headers = header is null ? DictionaryHeaders.None : new(("x-api-key", header));

        Assert.Equal(expected, KeyExtractor.Extract(KeyLocation.Defaults, query, headers));
    }

    [Theory]
    [InlineData("x-api-key")]
    [InlineData("X-API-KEY")]
    [InlineData("X-Api-Key")]
    public void Extract_HeaderName_IsCaseInsensitive(string sentName)
    {
        Assert.Equal("H", KeyExtractor.Extract(KeyLocation.Defaults, "", new DictionaryHeaders((sentName, "H"))));
    }

    [Fact]
    public void Extract_EmptyHeader_IsNoKey()
    {
        Assert.Null(KeyExtractor.Extract(KeyLocation.Defaults, "", new DictionaryHeaders(("x-api-key", ""))));
    }

    [Theory]
    [InlineData("?token=T", null, "T")]
    [InlineData("", "H", "H")]
    [InlineData("?token=T", "H", "T")]
    // Custom locations replace the defaults completely.
    [InlineData("?key=K", null, null)]
    [InlineData("?api_key=K", null, null)]
    [InlineData("?key=K", "H", "H")]
    public void Extract_CustomLocations_ReplaceDefaults(string query, string? header, string? expected)
    {
        DictionaryHeaders headers = header is null ? DictionaryHeaders.None : new(("x-custom-key", header));

        Assert.Equal(expected, KeyExtractor.Extract(s_custom, query, headers));
    }

    [Fact]
    public void Extract_CustomLocations_IgnoreTheDefaultHeader()
    {
        Assert.Null(KeyExtractor.Extract(s_custom, "", new DictionaryHeaders(("x-api-key", "H"))));
    }

    [Fact]
    public void Extract_NoLocations_IsNoKey()
    {
        Assert.Null(KeyExtractor.Extract([], "?key=K", new DictionaryHeaders(("x-api-key", "H"))));
    }
}
