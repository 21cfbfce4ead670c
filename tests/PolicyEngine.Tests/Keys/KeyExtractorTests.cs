using Portcullis.PolicyEngine.Keys;
using Portcullis.PolicyEngine.Policy;

namespace Portcullis.PolicyEngine.Tests.Keys;

public sealed class KeyExtractorTests
{
    private static readonly IReadOnlyList<KeyLocation> s_custom =
    [
        new(KeyLocationKind.Query, "token"),
        new(KeyLocationKind.Header, "X-Custom-Key"),
    ];

    [Theory]
    [InlineData("?key=K1", null, "K1")]
    [InlineData("?api_key=K2", null, "K2")]
    [InlineData("", "K3", "K3")]
    [InlineData("?api_key=A&key=B", null, "B")]
    [InlineData("?api_key=A", "H", "A")]
    [InlineData("?key=A&key=B", null, "A")]
    [InlineData("?key=&api_key=valid", null, null)]
    [InlineData("?key=a%2Bb%5Fc", null, "a+b_c")]
    [InlineData("?other=1", null, null)]
    [InlineData("?k%65y=K", null, "K")]
    public void Extract_DefaultLocations_FollowEspOrder(string query, string? header, string? expected)
    {
        var headers = new DictionaryHeaders(header is null ? [] : new() { ["X-API-KEY"] = header });

        Assert.Equal(expected, KeyExtractor.Extract(KeyLocation.Defaults, query, headers));
    }

    [Theory]
    [InlineData("?token=T", null, "T")]
    [InlineData("?key=K", null, null)]
    [InlineData("", "H", "H")]
    [InlineData("?token=T", "H", "T")]
    public void Extract_CustomLocations_ReplaceDefaults(string query, string? header, string? expected)
    {
        var headers = new DictionaryHeaders(header is null ? [] : new() { ["x-custom-key"] = header });

        Assert.Equal(expected, KeyExtractor.Extract(s_custom, query, headers));
    }

    private sealed class DictionaryHeaders(Dictionary<string, string> values) : IHeaderSource
    {
        private readonly Dictionary<string, string> _values = new(values, StringComparer.OrdinalIgnoreCase);

        public string? GetFirst(string name) => _values.TryGetValue(name, out string? v) ? v : null;
    }
}
