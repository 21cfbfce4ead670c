using System.Globalization;
using System.Text;

namespace Portcullis.Testing;

/// <summary>
/// A seeded generator of requests that try to reach <see cref="BypassApi"/>'s protected operations
/// without a key: real paths mutated with dot segments (plain and encoded), encoded slashes and
/// backslashes, doubled slashes, case changes, trailing slashes, <c>;</c> parameters, overlong
/// UTF-8, <c>%00</c>, fragments, absolute-form targets; keys in every location, duplicated,
/// wrong, decoyed; method-override headers. Case <c>i</c> of seed <c>s</c> is always the same
/// request, whatever the order or parallelism of the run, so a failure reproduces from (s, i).
/// </summary>
public sealed class BypassMutations
{
    private static readonly string[] s_realPaths =
    [
        "/public/x", "/public/a/b", "/public/a/admin", "/public/a/b/admin", "/public/admin", "/public/admin/x",
        "/docs/a", "/docs/a/b", "/docs/admin", "/items", "/items/1", "/items/1/secret", "/admin", "/admin/x",
        "/admin/a/b", "/status", "/users/7/profile", "/users/7/keys", "/partners",
    ];

    private static readonly string[] s_segments =
    [
        "public", "items", "admin", "docs", "secret", "status", "users", "profile", "keys", "partners", "1", "x",
        ".", "..", "%2e", "%2E", "%2e%2e", "%2E%2e", ".%2e", "%2e.", "..;", ".;", "..;x=y", "%2F", "%2f", "%5c", "%5C",
        "a%2Fb", "a%2f..%2f", "%c0%ae%c0%ae", "%e0%80%ae", "%c0%af", "%e0%80%af", "%00", "~", "%25", "%7e", "Admin",
        "ADMIN", "%61dmin", "%41dmin", "items;", "admin;x=y", "", " ", "\\", "..\\", "%", "%zz", "%2",
    ];

    private static readonly string[] s_dots = [".", "..", "%2e", "%2E", "%2e%2e", "%2E%2e", "%2E%2E", ".%2e", "%2e.", "..;", ".;", "..;x=y", "%2e%2e;", "%c0%ae%c0%ae", "%e0%80%ae%e0%80%ae", "..%00", "..%2f", "..%5c"];

    private static readonly string[] s_slashes = ["//", "/./", "%2f", "%2F", "%5c", "%5C", "\\", "/\\", "%c0%af", "%e0%80%af", "%252f", "/;/", "/%2e/", "%2f%2e%2e%2f"];

    private static readonly string[] s_tails = ["/", "//", "/.", "/..", "/%2e", "/%2e%2e", ";", ";x=y", ";/admin", "%00", "%20", "#frag", "#/../admin", "?", "/admin", "/..;/admin", "%2f..%2fadmin", "/%2e%2e/admin"];

    private static readonly string[] s_methods = ["GET", "GET", "GET", "GET", "GET", "GET", "GET", "POST", "POST", "DELETE", "DELETE", "PUT", "PATCH", "OPTIONS", "get", "Get"];

    private static readonly string[] s_overrides = ["X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override"];

    private readonly string _validKey;
    private readonly string[] _wrongKeys;

    /// <param name="seed">The run's seed.</param>
    /// <param name="validKey">A key the gateway's keyring holds for <see cref="BypassApi.Consumer"/>.</param>
    /// <param name="wrongKeys">Keys that must not pass: unknown, expired, revoked, malformed.</param>
    public BypassMutations(long seed, string validKey, IReadOnlyList<string> wrongKeys)
    {
        Seed = seed;
        _validKey = validKey;
        _wrongKeys = [.. wrongKeys];
    }

    public long Seed { get; }

    /// <summary>Case <paramref name="index"/> of this seed.</summary>
    public BypassCase Generate(long index)
    {
        var random = new SplitMix(Seed, index);
        string path = random.Next(5) == 0 ? RandomPath(ref random) : Mutate(s_realPaths[random.Next(s_realPaths.Length)], ref random);
        if (random.Next(50) == 0)
        {
            // Absolute-form (RFC 9112 §3.2.2): the gateway must read the same path out of it.
            path = (random.Next(2) == 0 ? "http://gateway.test" : "http://gateway.test:80") + path;
        }

        string method = s_methods[random.Next(s_methods.Length)];
        var headers = new List<KeyValuePair<string, string>>();
        bool onlyInKeyLocations = true;
        string query = KeyQuery(ref random, headers, ref onlyInKeyLocations);
        if (random.Next(10) == 0)
        {
            headers.Add(new(s_overrides[random.Next(s_overrides.Length)], random.Next(3) switch { 0 => "GET", 1 => "POST", _ => "DELETE" }));
        }

        if (method is "POST" or "PUT" or "PATCH" or "DELETE")
        {
            headers.Add(new("Content-Length", "0"));
        }

        // A '?' or '#' already in the path (a mutation's tail) turns the key parameter into part of
        // another one ("??key=" names "?key"): a decoy too.
        onlyInKeyLocations &= path.IndexOfAny(['?', '#']) < 0;
        return new BypassCase(index, method, path + query, headers, onlyInKeyLocations);
    }

    private string KeyQuery(ref SplitMix random, List<KeyValuePair<string, string>> headers, ref bool onlyInKeyLocations)
    {
        string valid = _validKey;
        string wrong = _wrongKeys[random.Next(_wrongKeys.Length)];
        var query = new StringBuilder();
        void Param(string pair) => query.Append(query.Length == 0 ? '?' : '&').Append(pair);

        if (random.Next(4) == 0)
        {
            Param(random.Next(2) == 0 ? "a=1" : "q=%2e%2e%2fadmin");
        }

        switch (random.Next(24))
        {
            case 0 or 1 or 2 or 3 or 4 or 5:
                break;
            case 6 or 7 or 8 or 9:
                Param("key=" + valid);
                break;
            case 10:
                Param("api_key=" + valid);
                break;
            case 11:
                headers.Add(new("x-api-key", valid));
                break;
            case 12:
                headers.Add(new(random.Next(2) == 0 ? BypassApi.PartnerHeader : "x-partner-key", valid));
                break;
            case 13:
                Param("key=" + wrong);
                break;
            case 14:
                Param("key=" + valid);
                Param("key=" + wrong);
                break;
            case 15:
                Param("key=" + wrong);
                Param("key=" + valid);
                break;
            case 16:
                headers.Add(new("x-api-key", valid));
                Param((random.Next(2) == 0 ? "key=" : "api_key=") + wrong);
                break;
            case 17:
                Param("key=" + valid);
                headers.Add(new("x-api-key", wrong));
                break;
            case 18:
                Param("k%65y=" + valid);
                break;
            case 19:
                Param("key=" + PercentEncode(valid, ref random));
                break;
            case 20:
                Param(random.Next(2) == 0 ? "key=" : "key");
                Param("api_key=" + valid);
                break;
            case 21:
                headers.Add(new("x-api-key", wrong));
                headers.Add(new("x-api-key", valid));
                break;
            default:
                // Decoys: look like a key to a careless parser, are not a key location.
                onlyInKeyLocations = false;
                string decoy = random.Next(7) switch
                {
                    0 => "KEY=" + valid,
                    1 => "key%00=" + valid,
                    2 => ";key=" + valid,
                    3 => "a=1;key=" + valid,
                    4 => "x=%26key%3D" + valid,
                    5 => "key%20=" + valid,
                    _ => "api-key=" + valid,
                };
                Param(decoy);
                if (random.Next(3) == 0)
                {
                    headers.Add(new(random.Next(2) == 0 ? "x_api_key" : "X-Api-Key2", valid));
                }

                break;
        }

        if (random.Next(20) == 0)
        {
            int trick = random.Next(3);
            query.Append(trick switch { 0 => "#", 1 => "#&key=" + valid, _ => "&" });
            onlyInKeyLocations &= trick != 1;
        }

        return query.ToString();
    }

    private static string RandomPath(ref SplitMix random)
    {
        var path = new StringBuilder();
        int count = random.Next(1, 7);
        for (int s = 0; s < count; s++)
        {
            path.Append(random.Next(8) == 0 ? "//" : "/").Append(s_segments[random.Next(s_segments.Length)]);
        }

        if (random.Next(4) == 0)
        {
            path.Append(s_tails[random.Next(s_tails.Length)]);
        }

        return path.ToString();
    }

    private static string Mutate(string path, ref SplitMix random)
    {
        int edits = random.Next(1, 5);
        for (int e = 0; e < edits; e++)
        {
            string[] segments = path.Split('/');
            int at = random.Next(1, segments.Length + 1);
            switch (random.Next(11))
            {
                case 0:
                    path = Insert(segments, at, s_segments[random.Next(s_segments.Length)]);
                    break;
                case 1:
                    // "<segment>/<dot-dot>": climbs back out, if the dot-dot is read as one.
                    path = Insert(segments, at, s_segments[random.Next(s_segments.Length)] + "/" + s_dots[random.Next(s_dots.Length)]);
                    break;
                case 2:
                    path = Insert(segments, at, s_dots[random.Next(s_dots.Length)]);
                    break;
                case 3:
                    path = ReplaceOneSlash(path, s_slashes[random.Next(s_slashes.Length)], ref random);
                    break;
                case 4:
                    path = EncodeOneCharacter(path, ref random);
                    break;
                case 5:
                    int u = random.Next(1, segments.Length);
                    segments[u] = random.Next(3) switch
                    {
                        0 => segments[u].ToUpperInvariant(),
                        1 => segments[u].Length > 0 ? char.ToUpperInvariant(segments[u][0]) + segments[u][1..] : segments[u],
                        _ => segments[u].ToLowerInvariant(),
                    };
                    path = string.Join('/', segments);
                    break;
                case 6:
                    path += s_tails[random.Next(s_tails.Length)];
                    break;
                case 7:
                    int p = random.Next(1, segments.Length);
                    segments[p] += random.Next(3) switch { 0 => ";x=y", 1 => ";", _ => ";jsessionid=1" };
                    path = string.Join('/', segments);
                    break;
                case 8:
                    path = (random.Next(4) switch { 0 => "/..", 1 => "/%2e%2e", 2 => "//", _ => "/." }) + path;
                    break;
                case 9:
                    // Overlong UTF-8 for '.' and '/', and raw non-ASCII (sent as Latin-1 bytes).
                    path = random.Next(3) switch
                    {
                        0 => path.Replace(".", random.Next(2) == 0 ? "%c0%ae" : "%e0%80%ae", StringComparison.Ordinal),
                        1 => ReplaceOneSlash(path, random.Next(2) == 0 ? "%c0%af" : "%C0%AF", ref random),
                        _ => Insert(segments, at, random.Next(2) == 0 ? "\u00e9" : "%ff%fe"),
                    };
                    break;
                default:
                    path = Insert(segments, at, random.Next(3) switch { 0 => "%00", 1 => "..%00", _ => "%0a" });
                    break;
            }
        }

        return path.Length == 0 || path[0] != '/' ? "/" + path : path;
    }

    private static string Insert(string[] segments, int at, string segment) =>
        string.Join('/', segments[..at].Append(segment).Concat(segments[at..]));

    private static string ReplaceOneSlash(string path, string replacement, ref SplitMix random)
    {
        int slashes = path.Count(c => c == '/');
        int nth = random.Next(slashes);
        for (int i = 0; i < path.Length; i++)
        {
            if (path[i] == '/' && nth-- == 0)
            {
                // The first slash stays: a target must start with one.
                return i == 0 ? path[..1] + replacement.TrimStart('/') + path[1..] : path[..i] + replacement + path[(i + 1)..];
            }
        }

        return path;
    }

    private static string EncodeOneCharacter(string path, ref SplitMix random)
    {
        int c = random.Next(1, Math.Max(2, path.Length));
        if (c >= path.Length || !(char.IsAsciiLetterOrDigit(path[c]) || path[c] is '.' or '/' or '~' or '-' or '_'))
        {
            return path;
        }

        string hex = ((int)path[c]).ToString(random.Next(2) == 0 ? "X2" : "x2", CultureInfo.InvariantCulture);
        return path[..c] + "%" + hex + path[(c + 1)..];
    }

    private static string PercentEncode(string value, ref SplitMix random)
    {
        var encoded = new StringBuilder(value.Length * 2);
        foreach (char ch in value)
        {
            if (random.Next(3) == 0)
            {
                encoded.Append('%').Append(((int)ch).ToString("X2", CultureInfo.InvariantCulture));
            }
            else
            {
                encoded.Append(ch);
            }
        }

        return encoded.ToString();
    }

    /// <summary>SplitMix64 seeded by (seed, index): cheap, and every case independent of the others.</summary>
    private struct SplitMix(long seed, long index)
    {
        private ulong _state = unchecked((ulong)seed * 0x9E3779B97F4A7C15UL ^ ((ulong)index + 1) * 0xBF58476D1CE4E5B9UL);

        public int Next(int maxExclusive) => (int)(NextUInt64() % (ulong)maxExclusive);

        public int Next(int minInclusive, int maxExclusive) => minInclusive + Next(maxExclusive - minInclusive);

        private ulong NextUInt64()
        {
            ulong z = _state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }
}
