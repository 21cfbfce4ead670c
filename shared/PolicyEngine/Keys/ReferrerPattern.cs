namespace Portcullis.PolicyEngine.Keys;

/// <summary>
/// An allowed-referrer pattern in the style of Google API key restrictions: <c>*</c> matches any
/// run of characters. A pattern with no <c>/</c> is matched against the referrer's host only
/// (<c>*.example.com</c>); one with a path against host and path (<c>example.com/app/*</c>); one
/// with a scheme against the whole referrer without its query (<c>https://example.com/*</c>).
/// </summary>
public sealed class ReferrerPattern
{
    private readonly bool _hasScheme;
    private readonly bool _hostOnly;

    /// <summary>Creates a pattern.</summary>
    public ReferrerPattern(string pattern)
    {
        Text = pattern;
        _hasScheme = pattern.Contains("://", StringComparison.Ordinal);
        _hostOnly = !_hasScheme && !pattern.Contains('/', StringComparison.Ordinal);
    }

    /// <summary>The pattern as written.</summary>
    public string Text { get; }

    /// <summary>Whether <paramref name="referer"/> (a <c>Referer</c> header value) matches.</summary>
    public bool Matches(string? referer)
    {
        if (string.IsNullOrEmpty(referer) || !Uri.TryCreate(referer, UriKind.Absolute, out Uri? uri))
        {
            return false;
        }

        string subject = _hasScheme
            ? uri.GetLeftPart(UriPartial.Path)
            : _hostOnly ? uri.Host : uri.Authority + uri.AbsolutePath;
        return Glob(Text.AsSpan(), subject.AsSpan());
    }

    private static bool Glob(ReadOnlySpan<char> pattern, ReadOnlySpan<char> text)
    {
        // Iterative wildcard match with single-star backtracking; case-insensitive like host names.
        int p = 0, t = 0, star = -1, mark = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                mark = t;
            }
            else if (p < pattern.Length && char.ToLowerInvariant(pattern[p]) == char.ToLowerInvariant(text[t]))
            {
                p++;
                t++;
            }
            else if (star >= 0)
            {
                p = star + 1;
                t = ++mark;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }

    /// <inheritdoc />
    public override string ToString() => Text;
}
