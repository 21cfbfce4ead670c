using Portcullis.PolicyEngine.Http;
using Portcullis.PolicyEngine.Policy;

namespace Portcullis.PolicyEngine.Keys;

/// <summary>
/// Finds the API key of a request in an operation's key locations, in order; the first
/// location that is present wins, as in ESPv2's <c>extractAPIKey</c>. A present but empty
/// value stops the search, so <c>?key=&amp;api_key=K</c> has no key (ESPv2 does the same).
/// </summary>
public static class KeyExtractor
{
    /// <summary>Returns the key, or null when no location holds one.</summary>
    public static string? Extract<THeaders>(IReadOnlyList<KeyLocation> locations, string query, THeaders headers)
        where THeaders : IHeaderSource, allows ref struct
    {
        for (int i = 0; i < locations.Count; i++)
        {
            KeyLocation location = locations[i];
            if (location.Kind == KeyLocationKind.Query)
            {
                if (QueryString.TryGetFirst(query, location.Name, out ReadOnlySpan<char> raw))
                {
                    return raw.IsEmpty ? null : QueryString.Decode(raw);
                }
            }
            else if (headers.GetFirst(location.Name) is { } value)
            {
                return value.Length == 0 ? null : value;
            }
        }

        return null;
    }
}
