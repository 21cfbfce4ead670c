namespace Portcullis.PolicyEngine.Keys;

/// <summary>
/// An allowed-referrer pattern in the style of Google API key restrictions:
/// <c>[scheme://]host[/path]</c>, where <c>*</c> matches any run of characters within the host or
/// within the path (never across the host/path boundary, so <c>*.example.com/*</c> does not
/// admit <c>https://evil.com/app.example.com/</c>). Without a scheme any scheme matches; without
/// a path any path matches. Host and scheme compare case-insensitively, the path exactly.
/// </summary>
public sealed class ReferrerPattern
{
    private readonly string? _scheme;
    private readonly string _host;
    private readonly string? _path;

    /// <summary>Creates a pattern.</summary>
    public ReferrerPattern(string pattern)
    {
        Text = pattern;
        string rest = pattern;
        int schemeEnd = rest.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd >= 0)
        {
            _scheme = rest[..schemeEnd];
            rest = rest[(schemeEnd + 3)..];
        }

        int slash = rest.IndexOf('/', StringComparison.Ordinal);
        _host = slash < 0 ? rest : rest[..slash];
        _path = slash < 0 ? null : rest[slash..];
    }

    /// <summary>The pattern as written.</summary>
    public string Text { get; }

    /// <summary>Whether <paramref name="referer"/> (a <c>Referer</c> header value) matches.</summary>
    public bool Matches(string? referer)
    {
        if (string.IsNullOrEmpty(referer) || !Uri.TryCreate(referer, UriKind.Absolute, out Uri? uri) || uri.Host.Length == 0)
        {
            return false;
        }

        if (_scheme is not null && !string.Equals(_scheme, uri.Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        string host = _host.Contains(':', StringComparison.Ordinal) ? uri.Authority : uri.Host;
        return Glob(_host, host, ignoreCase: true) && (_path is null || Glob(_path, uri.AbsolutePath, ignoreCase: false));
    }

    private static bool Glob(ReadOnlySpan<char> pattern, ReadOnlySpan<char> text, bool ignoreCase)
    {
        // Iterative wildcard match with single-star backtracking.
        int p = 0, t = 0, star = -1, mark = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                mark = t;
            }
            else if (p < pattern.Length && (ignoreCase ? char.ToLowerInvariant(pattern[p]) == char.ToLowerInvariant(text[t]) : pattern[p] == text[t]))
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
