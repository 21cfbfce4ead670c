using Portcullis.PolicyEngine.Http;

namespace Portcullis.PolicyEngine.Tests.Http;

public sealed class QueryStringTests
{
    [Theory]
    [InlineData("?key=K", "")]
    [InlineData("?a=1&key=K&b=2", "?a=1&b=2")]
    [InlineData("?key=K&key=L&api_key=M", "")]
    [InlineData("?k%65y=K&a=%20", "?a=%20")]
    [InlineData("?a=1&&b=2&key", "?a=1&b=2")]
    [InlineData("", "")]
    public void Remove_KeyParameters_AreAllGone(string query, string expected)
    {
        Assert.Equal(expected, QueryString.Remove(query, name => name is "key" or "api_key"));
    }

    [Fact]
    public void Remove_NothingToRemove_ReturnsSameInstance()
    {
        string query = "?a=1&b=%2F";

        Assert.Same(query, QueryString.Remove(query, name => name == "key"));
    }

    [Theory]
    [InlineData("?a=1&key=K&key=L", "key", "K")]
    [InlineData("a=1", "a", "1")]
    [InlineData("?flag&x=1", "flag", "")]
    public void TryGetFirst_FindsFirstValueRaw(string query, string name, string expected)
    {
        Assert.True(QueryString.TryGetFirst(query, name, out ReadOnlySpan<char> value));
        Assert.Equal(expected, value.ToString());
    }
}
