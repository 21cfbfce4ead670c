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
    public static string Remove(string query, Func<ReadOnlySpan<char>, bool> isRemoved) =>
        RemoveCore(default, Body(query), isRemoved) ?? query;

    /// <summary>
    /// Returns the request target <paramref name="target"/> (<c>/path?query</c>) with every parameter
    /// <paramref name="isRemoved"/> accepts taken out of its query, as one new string; the same instance
    /// when nothing is removed.
    /// </summary>
    public static string RemoveFromTarget(string target, Func<ReadOnlySpan<char>, bool> isRemoved)
    {
        int q = target.IndexOf('?', StringComparison.Ordinal);
        return q < 0 ? target : RemoveCore(target.AsSpan(0, q), target.AsSpan(q + 1), isRemoved) ?? target;
    }

    // prefix + the kept parameters of body ('?' before the first); null when nothing is removed.
    private static string? RemoveCore(ReadOnlySpan<char> prefix, ReadOnlySpan<char> body, Func<ReadOnlySpan<char>, bool> isRemoved)
    {
        if (body.IsEmpty)
        {
            return null;
        }

        // What is kept is never longer than what came in: built in one buffer, one string at the end.
        int capacity = prefix.Length + body.Length + 1;
        char[]? rented = null;
        Span<char> buffer = capacity <= 512 ? stackalloc char[512] : (rented = System.Buffers.ArrayPool<char>.Shared.Rent(capacity));
        prefix.CopyTo(buffer);
        int length = prefix.Length;
        bool removedAny = false;
        int start = 0;
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
                buffer[length] = length == prefix.Length ? '?' : '&';
                pair.CopyTo(buffer[(length + 1)..]);
                length += 1 + pair.Length;
            }

            start = end + 1;
        }

        string? result = removedAny ? new string(buffer[..length]) : null;
        if (rented is not null)
        {
            System.Buffers.ArrayPool<char>.Shared.Return(rented);
        }

        return result;
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
