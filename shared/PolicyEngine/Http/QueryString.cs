using System.Text;

namespace Portcullis.PolicyEngine.Http;

/// <summary>
/// Reads and edits a raw query string (<c>?a=1&amp;b=2</c>, or empty) without decoding more than it must.
/// Parameter names are compared after percent-decoding, so <c>k%65y</c> is <c>key</c>.
/// </summary>
public static class QueryString
{
    /// <summary>Finds the first parameter called <paramref name="name"/>; its value is returned raw.</summary>
    public static bool TryGetFirst(string query, string name, out ReadOnlySpan<char> rawValue)
    {
        rawValue = default;
        ReadOnlySpan<char> rest = Body(query);
        while (!rest.IsEmpty)
        {
            int amp = rest.IndexOf('&');
            ReadOnlySpan<char> pair = amp < 0 ? rest : rest[..amp];
            rest = amp < 0 ? default : rest[(amp + 1)..];
            int eq = pair.IndexOf('=');
            ReadOnlySpan<char> pairName = eq < 0 ? pair : pair[..eq];
            if (NameEquals(pairName, name))
            {
                rawValue = eq < 0 ? default : pair[(eq + 1)..];
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Returns <paramref name="query"/> without any parameter whose name <paramref name="isRemoved"/> accepts
    /// (every occurrence). Returns the same instance when nothing is removed.
    /// </summary>
    public static string Remove(string query, Func<ReadOnlySpan<char>, bool> isRemoved)
    {
        ReadOnlySpan<char> body = Body(query);
        if (body.IsEmpty)
        {
            return query;
        }

        StringBuilder? kept = null;
        int start = 0;
        bool removedAny = false;
        while (start <= body.Length)
        {
            int amp = body[start..].IndexOf('&');
            int end = amp < 0 ? body.Length : start + amp;
            ReadOnlySpan<char> pair = body[start..end];
            int eq = pair.IndexOf('=');
            ReadOnlySpan<char> rawName = eq < 0 ? pair : pair[..eq];
            // Decoded only when escaped: the common name is looked up without a string of its own.
            if (pair.IsEmpty || isRemoved(rawName.Contains('%') ? Decode(rawName) : rawName))
            {
                removedAny |= !pair.IsEmpty;
            }
            else
            {
                kept ??= new StringBuilder(body.Length + 1);
                kept.Append(kept.Length == 0 ? '?' : '&').Append(pair);
            }

            start = end + 1;
        }

        if (!removedAny)
        {
            return query;
        }

        return kept?.ToString() ?? string.Empty;
    }

    /// <summary>Percent-decodes a query component (a '+' stays a '+').</summary>
    public static string Decode(ReadOnlySpan<char> raw) =>
        raw.Contains('%') ? Uri.UnescapeDataString(raw.ToString()) : raw.ToString();

    private static bool NameEquals(ReadOnlySpan<char> rawName, string name) =>
        rawName.Contains('%')
            ? string.Equals(Uri.UnescapeDataString(rawName.ToString()), name, StringComparison.Ordinal)
            : rawName.SequenceEqual(name);

    private static ReadOnlySpan<char> Body(string query) =>
        query.Length > 0 && query[0] == '?' ? query.AsSpan(1) : query.AsSpan();
}
