using System.Buffers;

namespace Portcullis.PolicyEngine.Routing;

/// <summary>
/// Normalizes a raw request path the way ESPv2 does by default (<c>--normalize_path</c>,
/// <c>--merge_slashes_in_path</c>, escaped slashes kept): RFC 3986 §6.2.2 percent-decoding of
/// unreserved characters, upper-case hex in the escapes that remain, merged slashes and
/// dot-segment removal (§5.2.4). <c>%2F</c> stays data and never becomes a separator.
/// The result is both what is matched and what is forwarded.
/// </summary>
public static class PathNormalizer
{
    /// <summary>ESPv2's limit: <c>Path is too long, max allowed size is 8192.</c></summary>
    public const int MaxPathLength = 8192;

    // RFC 3986: pchar = unreserved / pct-encoded / sub-delims / ":" / "@"; plus "/" as separator.
    private static readonly SearchValues<char> s_pathChars = SearchValues.Create(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;=:@/%");

    /// <summary>
    /// Normalizes <paramref name="rawPath"/> (the path part of the request target, without the query).
    /// Returns <see cref="PathError.None"/> and the normalized path, or the reason it was refused.
    /// A path that is already normal is returned as the same string instance.
    /// </summary>
    public static PathError TryNormalize(string rawPath, out string normalized)
    {
        normalized = rawPath;
        if (rawPath.Length > MaxPathLength)
        {
            return PathError.TooLong;
        }

        if (rawPath.Length == 0 || rawPath[0] != '/')
        {
            return rawPath.Contains('#', StringComparison.Ordinal) ? PathError.Fragment : PathError.NotAbsolute;
        }

        int firstOdd = rawPath.AsSpan().IndexOfAnyExcept(s_pathChars);
        if (firstOdd >= 0)
        {
            return rawPath.Contains('#', StringComparison.Ordinal) ? PathError.Fragment : PathError.InvalidCharacter;
        }

        if (!NeedsWork(rawPath))
        {
            return PathError.None;
        }

        var decoded = new System.Text.StringBuilder(rawPath.Length);
        for (int i = 0; i < rawPath.Length; i++)
        {
            char c = rawPath[i];
            if (c != '%')
            {
                decoded.Append(c);
                continue;
            }

            if (i + 2 >= rawPath.Length || !IsHex(rawPath[i + 1]) || !IsHex(rawPath[i + 2]))
            {
                return PathError.MalformedEscape;
            }

            int value = (HexValue(rawPath[i + 1]) << 4) | HexValue(rawPath[i + 2]);
            i += 2;
            if (value == 0)
            {
                // ESPv2 routes escaped control characters (%01-%1F, %7F) as data, and so do we: they
                // stay escaped, match only wildcards and reach the backend as the same bytes. %00 is
                // refused: an escaped NUL truncates the path in C-string backends and file APIs, so
                // the path a backend acts on could differ from the one that was checked.
                return PathError.MalformedEscape;
            }

            if (IsUnreserved((char)value))
            {
                decoded.Append((char)value);
            }
            else
            {
                decoded.Append('%');
                decoded.Append(ToHex(value >> 4));
                decoded.Append(ToHex(value & 0xF));
            }
        }

        normalized = RemoveDotSegments(decoded.ToString());
        return PathError.None;
    }

    private static bool NeedsWork(string path)
    {
        if (path.Contains("//", StringComparison.Ordinal))
        {
            return true;
        }

        // An escape needs work unless it is already in normal form: two upper-case hex digits of
        // a character that stays escaped. A malformed one goes to the loop that refuses it.
        for (int p = path.IndexOf('%', StringComparison.Ordinal); p >= 0; p = path.IndexOf('%', p + 1))
        {
            if (p + 2 >= path.Length || !IsUpperHex(path[p + 1]) || !IsUpperHex(path[p + 2]))
            {
                return true;
            }

            int value = (HexValue(path[p + 1]) << 4) | HexValue(path[p + 2]);
            if (value == 0 || IsUnreserved((char)value))
            {
                return true;
            }
        }

        // A "." or ".." segment: "/./", "/../", or at the end.
        int i = path.IndexOf("/.", StringComparison.Ordinal);
        while (i >= 0)
        {
            int next = i + 2;
            if (next == path.Length || path[next] == '/')
            {
                return true;
            }

            if (path[next] == '.' && (next + 1 == path.Length || path[next + 1] == '/'))
            {
                return true;
            }

            i = path.IndexOf("/.", next, StringComparison.Ordinal);
        }

        return false;
    }

    /// <summary>Merges empty segments and applies RFC 3986 §5.2.4 to an absolute path.</summary>
    private static string RemoveDotSegments(ReadOnlySpan<char> path)
    {
        // Segments are collected as ranges; ".." pops, "." and "" are dropped (the last one
        // becomes a trailing slash, which matching treats as optional).
        var segments = new List<Range>();
        bool trailingSlash = false;
        int start = 1;
        while (start <= path.Length)
        {
            int end = path[start..].IndexOf('/');
            end = end < 0 ? path.Length : start + end;
            ReadOnlySpan<char> segment = path[start..end];
            bool last = end == path.Length;
            if (segment is "..")
            {
                if (segments.Count > 0)
                {
                    segments.RemoveAt(segments.Count - 1);
                }

                trailingSlash = last;
            }
            else if (segment is "." || segment.IsEmpty)
            {
                trailingSlash = last;
            }
            else
            {
                segments.Add(start..end);
                trailingSlash = false;
            }

            start = end + 1;
        }

        if (segments.Count == 0)
        {
            return "/";
        }

        var result = new System.Text.StringBuilder(path.Length);
        foreach (Range segment in segments)
        {
            result.Append('/').Append(path[segment]);
        }

        if (trailingSlash)
        {
            result.Append('/');
        }

        return result.ToString();
    }

    internal static bool IsUnreserved(char c) =>
        char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~';

    private static bool IsHex(char c) => char.IsAsciiHexDigit(c);

    private static bool IsUpperHex(char c) => char.IsAsciiDigit(c) || c is >= 'A' and <= 'F';

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;

    private static char ToHex(int nibble) => (char)(nibble < 10 ? '0' + nibble : 'A' + nibble - 10);
}
