using Portcullis.PolicyEngine.Routing;

namespace Portcullis.PolicyEngine.Tests.Routing;

public sealed class PathNormalizerTests
{
    [Theory]
    [InlineData("/a/./b", "/a/b")]
    [InlineData("/a/../b", "/b")]
    [InlineData("/a/b/..", "/a/")]
    [InlineData("/..", "/")]
    [InlineData("/../../a", "/a")]
    [InlineData("/a/%2E%2E/b", "/b")]
    [InlineData("/a/%2e/b", "/a/b")]
    [InlineData("//a///b", "/a/b")]
    [InlineData("/%41%4a%4a", "/AJJ")]
    [InlineData("/a%2Fb", "/a%2Fb")]
    [InlineData("/a%2fb", "/a%2Fb")]
    [InlineData("/a%2f..%2fb", "/a%2F..%2Fb")]
    [InlineData("/a%3b", "/a%3B")]
    [InlineData("/a%7E", "/a~")]
    [InlineData("/a/", "/a/")]
    [InlineData("/a//", "/a/")]
    [InlineData("/", "/")]
    [InlineData("/a;x=1/b", "/a;x=1/b")]
    public void TryNormalize_ValidPath_IsNormalized(string raw, string expected)
    {
        Assert.Equal(PathError.None, PathNormalizer.TryNormalize(raw, out string normalized));
        Assert.Equal(expected, normalized);
    }

    [Fact]
    public void TryNormalize_AlreadyNormal_ReturnsSameInstance()
    {
        string raw = "/v1/shelves/42";

        PathNormalizer.TryNormalize(raw, out string normalized);

        Assert.Same(raw, normalized);
    }

    [Theory]
    [InlineData("/a#b", PathError.Fragment)]
    [InlineData("/a\u0001b", PathError.InvalidCharacter)]
    [InlineData("/a b", PathError.InvalidCharacter)]
    [InlineData("/a\\b", PathError.InvalidCharacter)]
    [InlineData("/caf\u00e9", PathError.InvalidCharacter)]
    [InlineData("/a%", PathError.MalformedEscape)]
    [InlineData("/a%4", PathError.MalformedEscape)]
    [InlineData("/a%GG", PathError.MalformedEscape)]
    [InlineData("/a%00", PathError.MalformedEscape)]
    [InlineData("/a%0A", PathError.MalformedEscape)]
    [InlineData("a/b", PathError.NotAbsolute)]
    public void TryNormalize_BadPath_IsRefused(string raw, PathError expected)
    {
        Assert.Equal(expected, PathNormalizer.TryNormalize(raw, out _));
    }

    [Fact]
    public void TryNormalize_Over8192Bytes_IsTooLong()
    {
        Assert.Equal(PathError.TooLong, PathNormalizer.TryNormalize("/" + new string('a', 8192), out _));
        Assert.Equal(PathError.None, PathNormalizer.TryNormalize("/" + new string('a', 8191), out _));
    }
}
