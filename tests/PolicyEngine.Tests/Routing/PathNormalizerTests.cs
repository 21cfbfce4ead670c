using Portcullis.PolicyEngine.Routing;

namespace Portcullis.PolicyEngine.Tests.Routing;

/// <summary>
/// ESPv2's defaults (espv2-behaviour.md §5): <c>--normalize_path</c> (RFC 3986 §6.2.2 and §5.2.4),
/// <c>--merge_slashes_in_path</c>, escaped slashes kept unchanged; §4.2 for <c>#</c> and the 8192-byte limit.
/// </summary>
public sealed class PathNormalizerTests
{
    [Theory]
    // Dot segments (RFC 3986 §5.2.4).
    [InlineData("/a/./b", "/a/b")]
    [InlineData("/a/../b", "/b")]
    [InlineData("/a/b/..", "/a/")]
    [InlineData("/a/b/.", "/a/b/")]
    [InlineData("/a/b/../../..", "/")]
    [InlineData("/..", "/")]
    [InlineData("/.", "/")]
    [InlineData("/./", "/")]
    [InlineData("/../../a", "/a")]
    [InlineData("/a/./b/../c/", "/a/c/")]
    // Escaped dots are unreserved characters: decoded first, then removed as dot segments.
    [InlineData("/a/%2E%2E/b", "/b")]
    [InlineData("/a/%2e%2e/b", "/b")]
    [InlineData("/a/.%2E/b", "/b")]
    [InlineData("/a/%2e/b", "/a/b")]
    [InlineData("/admin/%2E%2E/public", "/public")]
    // Segments that only look like dots are data.
    [InlineData("/a/.../b", "/a/.../b")]
    [InlineData("/a/..b/c", "/a/..b/c")]
    [InlineData("/a/.b", "/a/.b")]
    [InlineData("/a%2Eb", "/a.b")]
    // Merged slashes.
    [InlineData("//a///b", "/a/b")]
    [InlineData("//", "/")]
    [InlineData("/a//", "/a/")]
    [InlineData("/a/.//b", "/a/b")]
    // Unreserved escapes decoded (RFC 3986 §6.2.2.2).
    [InlineData("/%41", "/A")]
    [InlineData("/%4a", "/J")]
    [InlineData("/%4A", "/J")]
    [InlineData("/%41%4a%4a", "/AJJ")]
    [InlineData("/%7e%2D%5F%30", "/~-_0")]
    // Other escapes kept, hex upper-cased (RFC 3986 §6.2.2.1).
    [InlineData("/a%3b", "/a%3B")]
    [InlineData("/a%3A%40", "/a%3A%40")]
    [InlineData("/caf%c3%a9", "/caf%C3%A9")]
    [InlineData("/a%20b", "/a%20b")]
    // %25 is not decoded, so nothing is decoded twice.
    [InlineData("/a/%252E%252E/b", "/a/%252E%252E/b")]
    [InlineData("/a%252F", "/a%252F")]
    // %2F is data, never a separator (ESPv2 KEEP_UNCHANGED).
    [InlineData("/a%2Fb", "/a%2Fb")]
    [InlineData("/a%2fb", "/a%2Fb")]
    [InlineData("/a%2f..%2fb", "/a%2F..%2Fb")]
    [InlineData("/a/..%2Fb", "/a/..%2Fb")]
    [InlineData("/a/%2e%2e%2fb", "/a/..%2Fb")]
    [InlineData("/a/b%2F..", "/a/b%2F..")]
    // Trailing slash kept; sub-delimiters, ':' and '@' allowed.
    [InlineData("/a/", "/a/")]
    [InlineData("/a/b/", "/a/b/")]
    [InlineData("/", "/")]
    [InlineData("/a;x=1/b", "/a;x=1/b")]
    [InlineData("/v1/items:batchGet", "/v1/items:batchGet")]
    [InlineData("/u@h/!$&'()*+,=", "/u@h/!$&'()*+,=")]
    public void TryNormalize_ValidPath_IsNormalized(string raw, string expected)
    {
        Assert.Equal(PathError.None, PathNormalizer.TryNormalize(raw, out string normalized));
        Assert.Equal(expected, normalized);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/v1/shelves/42")]
    [InlineData("/v1/shelves/42/")]
    [InlineData("/a;x=1/b")]
    [InlineData("/a/.b/..c/...")]
    [InlineData("/a%2Fb")]
    [InlineData("/caf%C3%A9/%20")]
    [InlineData("/a%252E")]
    public void TryNormalize_AlreadyNormal_ReturnsSameInstance(string raw)
    {
        Assert.Equal(PathError.None, PathNormalizer.TryNormalize(raw, out string normalized));

        Assert.Same(raw, normalized);
    }

    [Theory]
    // ESPv2: "Path cannot contain fragment identifier (#)".
    [InlineData("/a#b", PathError.Fragment)]
    [InlineData("/a#", PathError.Fragment)]
    [InlineData("/#", PathError.Fragment)]
    [InlineData("/a b#c", PathError.Fragment)]
    // Control characters, space, non-ASCII and characters RFC 3986 does not allow in a path.
    [InlineData("/a\u0000b", PathError.InvalidCharacter)]
    [InlineData("/a\u0001b", PathError.InvalidCharacter)]
    [InlineData("/a\tb", PathError.InvalidCharacter)]
    [InlineData("/a\r\nb", PathError.InvalidCharacter)]
    [InlineData("/a\u007Fb", PathError.InvalidCharacter)]
    [InlineData("/a b", PathError.InvalidCharacter)]
    [InlineData("/a\\b", PathError.InvalidCharacter)]
    [InlineData("/a\"b", PathError.InvalidCharacter)]
    [InlineData("/a<b>", PathError.InvalidCharacter)]
    [InlineData("/caf\u00e9", PathError.InvalidCharacter)]
    [InlineData("/\u2215etc", PathError.InvalidCharacter)]
    // A '%' not followed by two hex digits.
    [InlineData("/a%", PathError.MalformedEscape)]
    [InlineData("/a%4", PathError.MalformedEscape)]
    [InlineData("/a%GG", PathError.MalformedEscape)]
    [InlineData("/a%4G/b", PathError.MalformedEscape)]
    [InlineData("/a%%41", PathError.MalformedEscape)]
    // An escaped NUL is refused (C-string truncation); other escaped control characters are data.
    [InlineData("/a%00", PathError.MalformedEscape)]
    [InlineData("/a%00b", PathError.MalformedEscape)]
    [InlineData("/a%1f%00", PathError.MalformedEscape)]
    [InlineData("a/b", PathError.NotAbsolute)]
    [InlineData("", PathError.NotAbsolute)]
    public void TryNormalize_BadPath_IsRefused(string raw, PathError expected)
    {
        Assert.Equal(expected, PathNormalizer.TryNormalize(raw, out _));
    }

    [Theory]
    [InlineData(8192, PathError.None)]
    [InlineData(8193, PathError.TooLong)]
    [InlineData(20000, PathError.TooLong)]
    public void TryNormalize_Length_IsLimitedTo8192Bytes(int length, PathError expected)
    {
        string raw = "/" + new string('a', length - 1);

        Assert.Equal(expected, PathNormalizer.TryNormalize(raw, out _));
    }

    [Fact]
    public void TryNormalize_LongPathThatShrinksBelowTheLimit_IsStillTooLong()
    {
        // The limit applies to what the client sent, before any work is done on it (the safer
        // reading: §4.2 does not say whether ESPv2 measures before or after normalization).
        // 2731 escapes and the leading '/' are 8194 bytes; decoded they would be 2732.
        string raw = "/" + string.Concat(Enumerable.Repeat("%41", 2731));

        Assert.Equal(PathError.TooLong, PathNormalizer.TryNormalize(raw, out _));
    }

    [Theory]
    [InlineData("/a/../b")]
    [InlineData("//a/%2e%2E/%4a%2f")]
    [InlineData("/x/./y//z/")]
    public void TryNormalize_Normalized_IsAFixedPoint(string raw)
    {
        PathNormalizer.TryNormalize(raw, out string once);

        Assert.Equal(PathError.None, PathNormalizer.TryNormalize(once, out string twice));
        Assert.Equal(once, twice);
    }

    [Theory]
    // ESPv2 routes escaped control characters: kept escaped (hex upper-cased), never decoded.
    [InlineData("/a%01", "/a%01")]
    [InlineData("/a%0a", "/a%0A")]
    [InlineData("/a%0d%0a/b", "/a%0D%0A/b")]
    [InlineData("/a%1F", "/a%1F")]
    [InlineData("/a%7f", "/a%7F")]
    [InlineData("/a/%09/../b", "/a/b")]
    public void TryNormalize_EscapedControlCharacter_StaysEscapedData(string raw, string expected)
    {
        Assert.Equal(PathError.None, PathNormalizer.TryNormalize(raw, out string normalized));
        Assert.Equal(expected, normalized);
    }
}
