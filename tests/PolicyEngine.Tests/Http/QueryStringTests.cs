using Portcullis.PolicyEngine.Http;

namespace Portcullis.PolicyEngine.Tests.Http;

public sealed class QueryStringTests
{
    private static readonly Func<ReadOnlySpan<char>, bool> s_isKey = name => name is "key" or "api_key";

    [Theory]
    // Every occurrence, wherever it is.
    [InlineData("?key=K", "")]
    [InlineData("?a=1&key=K&b=2", "?a=1&b=2")]
    [InlineData("?key=K&a=1", "?a=1")]
    [InlineData("?a=1&key=K", "?a=1")]
    [InlineData("?key=K&key=L&api_key=M", "")]
    [InlineData("?key=K&a=1&api_key=M&b=2&key=L", "?a=1&b=2")]
    // Encoded names are the same parameter to the backend, so they go too.
    [InlineData("?k%65y=K&a=%20", "?a=%20")]
    [InlineData("?%6B%65%79=K&a=1", "?a=1")]
    [InlineData("?api%5Fkey=K&a=1", "?a=1")]
    // Valueless and empty parameters.
    [InlineData("?a=1&&b=2&key", "?a=1&b=2")]
    [InlineData("?key=&a=1", "?a=1")]
    [InlineData("?key&a", "?a")]
    // Other parameters are kept byte for byte: escapes, '+', '=' in values, case.
    [InlineData("?a=%2f%2F+x&key=K&b=c=d&KEY=z&flag", "?a=%2f%2F+x&b=c=d&KEY=z&flag")]
    [InlineData("?keys=1&key=K&akey=2&key_=3", "?keys=1&akey=2&key_=3")]
    [InlineData("key=K&a=1", "?a=1")]
    public void Remove_KeyParameters_AreAllGone(string query, string expected)
    {
        Assert.Equal(expected, QueryString.Remove(query, s_isKey));
    }

    [Theory]
    [InlineData("?a=1&b=%2F")]
    [InlineData("?KEY=1&keys=2")]
    [InlineData("")]
    [InlineData("?")]
    public void Remove_NothingToRemove_ReturnsSameInstance(string query)
    {
        Assert.Same(query, QueryString.Remove(query, s_isKey));
    }

    [Theory]
    [InlineData("/things?key=K", "/things")]
    [InlineData("/things?a=1&key=K&b=%2F", "/things?a=1&b=%2F")]
    [InlineData("/v1/a%2Fb?api_key=K&k%65y=L&x", "/v1/a%2Fb?x")]
    [InlineData("/things?&&key=K&", "/things")]
    [InlineData("/?key", "/")]
    public void RemoveFromTarget_KeepsThePath_AndTheOtherParameters(string target, string expected)
    {
        Assert.Equal(expected, QueryString.RemoveFromTarget(target, s_isKey));
    }

    [Theory]
    [InlineData("/things")]
    [InlineData("/things?")]
    [InlineData("/things?a=1&keys=2")]
    [InlineData("/things?a=1&&b=2")]
    public void RemoveFromTarget_NothingToRemove_ReturnsSameInstance(string target)
    {
        Assert.Same(target, QueryString.RemoveFromTarget(target, s_isKey));
    }

    [Fact]
    public void Remove_LongQuery_KeepsEveryOtherParameter()
    {
        // Longer than the stack buffer: the pooled buffer path.
        string others = string.Join('&', Enumerable.Range(0, 300).Select(i => $"p{i}=v{i}"));
        string query = "?key=K&" + others + "&api_key=L";

        Assert.Equal("?" + others, QueryString.Remove(query, s_isKey));
        Assert.Equal("/x/y?" + others, QueryString.RemoveFromTarget("/x/y" + query, s_isKey));
        Assert.Equal("/x/y?" + others, QueryString.RemoveFromTarget("/x/y?" + others + "&key=K", s_isKey));
    }

    [Theory]
    [InlineData("?a=1&key=K&key=L", "key", "K")]
    [InlineData("a=1", "a", "1")]
    [InlineData("?flag&x=1", "flag", "")]
    [InlineData("?k%65y=K", "key", "K")]
    [InlineData("?key=a%2Bb", "key", "a%2Bb")]
    [InlineData("?a=b=c", "a", "b=c")]
    public void TryGetFirst_FindsFirstValueRaw(string query, string name, string expected)
    {
        Assert.True(QueryString.TryGetFirst(query, name, out ReadOnlySpan<char> value));
        Assert.Equal(expected, value.ToString());
    }

    [Theory]
    [InlineData("", "key")]
    [InlineData("?", "key")]
    [InlineData("?KEY=1", "key")]
    [InlineData("?keys=1&akey=2", "key")]
    public void TryGetFirst_Absent_IsFalse(string query, string name)
    {
        Assert.False(QueryString.TryGetFirst(query, name, out _));
    }

    [Theory]
    [InlineData("a%20b", "a b")]
    [InlineData("a+b", "a+b")]
    [InlineData("%E2%9C%93", "\u2713")]
    [InlineData("plain", "plain")]
    public void Decode_PercentEscapes_AreDecoded(string raw, string expected)
    {
        Assert.Equal(expected, QueryString.Decode(raw));
    }
}
