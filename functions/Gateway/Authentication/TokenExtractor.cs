using Microsoft.Extensions.Primitives;
using Portcullis.PolicyEngine.Policy;
using QueryString = Portcullis.PolicyEngine.Http.QueryString;

namespace Portcullis.Gateway.Authentication;

/// <summary>
/// Finds a provider's tokens in a request as Envoy's extractor does (<c>extractor.cc</c>): header
/// names case-insensitive, the value prefix case-sensitive and searched for anywhere in the value,
/// every value of a repeated header and every configured location yielding a token; a query
/// parameter's first value, URL-decoded.
/// </summary>
internal static class TokenExtractor
{
    public static void Extract(JwtProvider provider, IHeaderDictionary headers, string query, List<string> tokens)
    {
        IReadOnlyList<JwtLocation> locations = provider.Locations;
        for (int i = 0; i < locations.Count; i++)
        {
            JwtLocation location = locations[i];
            if (location.Kind == KeyLocationKind.Query)
            {
                if (QueryString.TryGetFirst(query, location.Name, out ReadOnlySpan<char> raw) && !raw.IsEmpty)
                {
                    tokens.Add(QueryString.Decode(raw));
                }

                continue;
            }

            if (!headers.TryGetValue(location.Name, out StringValues values))
            {
                continue;
            }

            for (int v = 0; v < values.Count; v++)
            {
                // A comma-joined line is the same header repeated (RFC 9110 §5.3); a JWT holds no comma.
                string? value = values[v];
                if (value is null)
                {
                    continue;
                }

                foreach (Range part in value.AsSpan().Split(','))
                {
                    if (FromHeader(value[part], location.Prefix) is { Length: > 0 } token)
                    {
                        tokens.Add(token);
                    }
                }
            }
        }
    }

    /// <summary>The token in one header value, or null when the prefix is not in it.</summary>
    public static string? FromHeader(string? value, string prefix)
    {
        if (value is null)
        {
            return null;
        }

        if (prefix.Length == 0)
        {
            return value.Trim() is { Length: > 0 } whole ? whole : null;
        }

        int at = value.IndexOf(prefix, StringComparison.Ordinal);
        if (at < 0)
        {
            return null;
        }

        // From the first non-blank character after the prefix to the next blank: a malformed token is
        // still extracted whole, so the parser can say what is wrong with it.
        ReadOnlySpan<char> rest = value.AsSpan(at + prefix.Length).TrimStart(" \t");
        int end = rest.IndexOfAny(' ', '\t');
        rest = end < 0 ? rest : rest[..end];
        return rest.IsEmpty ? null : rest.ToString();
    }
}
