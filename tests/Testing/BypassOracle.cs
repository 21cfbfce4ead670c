using System.Globalization;

namespace Portcullis.Testing;

/// <summary>
/// Judges what reached the echo backend against the case that was sent, without asking the gateway:
/// the backend prefix names the operation the request was checked as; the forwarded path must be
/// one that operation's ESPv2 regex accepts and no protected operation's regex accepts when the
/// operation is public; a protected operation needs the valid key in the first key location, read
/// the ESPv2 way; the forwarded path is in normal form; no key and no method override travels on.
/// </summary>
public sealed class BypassOracle(string validKey)
{
    private static readonly string[] s_keyQueryNames = ["key", "api_key"];
    private static readonly string[] s_neverForwarded = ["x-api-key", BypassApi.PartnerHeader, "X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override"];

    /// <summary>Returns why <paramref name="received"/> should not have reached the backend, or null.</summary>
    public string? Judge(BypassCase sent, RecordedRequest received)
    {
        BypassOperation? operation = BypassApi.FromBackendPath(received.Path, out string forwarded);
        if (operation is null)
        {
            return $"reached an unknown backend path {received.RawTarget}";
        }

        if (!string.Equals(received.Method, sent.Method, StringComparison.Ordinal) || !string.Equals(operation.Method, sent.Method, StringComparison.Ordinal))
        {
            return $"sent as {sent.Method}, checked as {operation.Method} {operation.OperationId}, forwarded as {received.Method}";
        }

        if (!operation.Pattern.IsMatch(forwarded))
        {
            return $"forwarded path {forwarded} is not one {operation.OperationId} ({operation.Template}) accepts";
        }

        if (NotNormal(forwarded) is { } odd)
        {
            return $"forwarded path {forwarded} is not normalized ({odd})";
        }

        if (!operation.Protected)
        {
            foreach (BypassOperation other in BypassApi.Operations)
            {
                if (other.Protected && string.Equals(other.Method, sent.Method, StringComparison.Ordinal) && other.Pattern.IsMatch(forwarded))
                {
                    return $"forwarded to public {operation.OperationId} but {forwarded} is protected {other.OperationId} ({other.Template})";
                }
            }
        }
        else
        {
            string? key = ExpectedKey(sent, operation);
            if (!string.Equals(key, validKey, StringComparison.Ordinal))
            {
                return $"reached protected {operation.OperationId} with key '{key ?? "(none)"}' in its first key location";
            }

            if (!string.Equals(received.Header("X-Portcullis-Consumer"), BypassApi.Consumer, StringComparison.Ordinal))
            {
                return $"reached protected {operation.OperationId} without the consumer of the valid key";
            }
        }

        foreach (string header in s_neverForwarded)
        {
            if (received.Header(header) is not null)
            {
                return $"header {header} reached the backend";
            }
        }

        foreach (string name in QueryNames(received.Query))
        {
            if (s_keyQueryNames.Contains(name, StringComparer.Ordinal))
            {
                return $"query parameter '{name}' reached the backend: {received.RawTarget}";
            }
        }

        if (sent.KeyOnlyInKeyLocations
            && (received.RawTarget.Contains(validKey, StringComparison.Ordinal)
                || received.Headers.Values.Any(values => values.Any(v => v.Contains(validKey, StringComparison.Ordinal)))))
        {
            return "the key reached the backend";
        }

        return null;
    }

    /// <summary>The key ESPv2 would read: the first present location wins, the first value of a name, empty means none.</summary>
    public static string? ExpectedKey(BypassCase sent, BypassOperation operation)
    {
        if (operation.HeaderKey is { } only)
        {
            return HeaderValue(sent, only);
        }

        string query = QueryOf(sent.Target);
        foreach (string name in s_keyQueryNames)
        {
            foreach ((string pairName, string value) in QueryPairs(query))
            {
                if (string.Equals(pairName, name, StringComparison.Ordinal))
                {
                    return value.Length == 0 ? null : Uri.UnescapeDataString(value);
                }
            }
        }

        return HeaderValue(sent, "x-api-key");
    }

    private static string? HeaderValue(BypassCase sent, string name)
    {
        foreach (KeyValuePair<string, string> header in sent.Headers)
        {
            if (string.Equals(header.Key, name, StringComparison.OrdinalIgnoreCase))
            {
                return header.Value.Length == 0 ? null : header.Value;
            }
        }

        return null;
    }

    private static string QueryOf(string target)
    {
        int q = target.IndexOf('?', StringComparison.Ordinal);
        return q < 0 ? "" : target[(q + 1)..];
    }

    private static IEnumerable<string> QueryNames(string query) => QueryPairs(query.StartsWith('?') ? query[1..] : query).Select(p => p.Name);

    private static IEnumerable<(string Name, string Value)> QueryPairs(string query)
    {
        foreach (string pair in query.Split('&'))
        {
            if (pair.Length == 0)
            {
                continue;
            }

            int eq = pair.IndexOf('=', StringComparison.Ordinal);
            yield return (Uri.UnescapeDataString(eq < 0 ? pair : pair[..eq]), eq < 0 ? "" : pair[(eq + 1)..]);
        }
    }

    // RFC 3986 §6.2.2 normal form as ESPv2 forwards it: no empty, "." or ".." segment (one trailing
    // slash aside), no escaped unreserved character or NUL, upper-case hex, no backslash or raw control
    // byte. Escaped control characters (%01-%1F, %7F) are data, as ESPv2 routes them.
    private static string? NotNormal(string path)
    {
        string[] segments = path.Split('/');
        for (int i = 1; i < segments.Length; i++)
        {
            if (segments[i] is "." or ".." || (segments[i].Length == 0 && i != segments.Length - 1))
            {
                return "segment '" + segments[i] + "'";
            }
        }

        for (int i = 0; i < path.Length; i++)
        {
            char c = path[i];
            if (c is '\\' or < (char)0x21 or > (char)0x7E)
            {
                return "character U+" + ((int)c).ToString("X4", CultureInfo.InvariantCulture);
            }

            if (c == '%')
            {
                if (i + 2 >= path.Length || !IsUpperHex(path[i + 1]) || !IsUpperHex(path[i + 2]))
                {
                    return "escape at " + i.ToString(CultureInfo.InvariantCulture);
                }

                char decoded = (char)int.Parse(path.AsSpan(i + 1, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
                if (char.IsAsciiLetterOrDigit(decoded) || decoded is '-' or '.' or '_' or '~' or (char)0)
                {
                    return "escaped unreserved character or NUL at " + i.ToString(CultureInfo.InvariantCulture);
                }
            }
        }

        return null;
    }

    private static bool IsUpperHex(char c) => char.IsAsciiDigit(c) || c is >= 'A' and <= 'F';
}
