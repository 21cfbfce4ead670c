namespace Portcullis.PolicyEngine.Routing;

/// <summary>
/// A path template as API Gateway and ESPv2 accept it: literal segments, <c>{v}</c>, <c>{v=*}</c>,
/// <c>{v=**}</c>, <c>*</c> and <c>**</c>, and an optional custom verb at the end (<c>/books/{id}:read</c>).
/// Variables must be whole segments. The grammar is ESPv2's (<c>Template = "/" Segments [ Verb ]</c>,
/// src/go/util/httppattern/uri_template_parser.go): a literal ends at <c>/</c> or <c>:</c>, so a
/// <c>:</c> can only introduce the verb, and a template cannot end with <c>/</c>.
/// </summary>
public sealed class PathTemplate
{
    /// <summary>How many wildcard segments one template may hold (captures live in a fixed buffer).</summary>
    public const int MaxWildcards = CaptureBuffer.Capacity;

    private PathTemplate(string text, IReadOnlyList<TemplateSegment> segments, string? verb)
    {
        Text = text;
        Segments = segments;
        Verb = verb;
        Shape = "/" + string.Join('/', segments.Select(s => s.Kind switch
        {
            SegmentKind.Literal => s.Text,
            SegmentKind.Single => "*",
            _ => "**",
        })) + (verb is null ? string.Empty : ":" + verb);
    }

    /// <summary>The template as written in the config.</summary>
    public string Text { get; }

    /// <summary>The segments, root first; empty for <c>/</c>.</summary>
    public IReadOnlyList<TemplateSegment> Segments { get; }

    /// <summary>
    /// The custom verb (<c>read</c> in <c>/book:read</c>), or null. As in ESPv2's generated routes, the
    /// request's optional trailing slash goes before the verb: <c>/book/:read</c> matches too.
    /// </summary>
    public string? Verb { get; }

    /// <summary>The template with variable names erased; two templates with one shape match the same paths.</summary>
    public string Shape { get; }

    /// <summary>The wildcard segments in order; the n-th capture of a match belongs to the n-th of these.</summary>
    public IEnumerable<TemplateSegment> Wildcards => Segments.Where(s => s.Kind != SegmentKind.Literal);

    /// <summary>Parses <paramref name="text"/>; on failure returns null and says why in <paramref name="error"/>.</summary>
    public static PathTemplate? TryParse(string text, out string? error)
    {
        error = null;
        if (string.IsNullOrEmpty(text) || text[0] != '/')
        {
            error = "a path template must start with '/'";
            return null;
        }

        if (text.Contains('?', StringComparison.Ordinal) || text.Contains('#', StringComparison.Ordinal))
        {
            error = "a path template cannot contain '?' or '#'";
            return null;
        }

        for (int open = text.IndexOf('{', StringComparison.Ordinal); open >= 0; open = text.IndexOf('{', open + 1))
        {
            int close = text.IndexOf('}', open);
            if (close > open && text.AsSpan(open, close - open).Contains('/'))
            {
                error = $"variable '{text[open..(close + 1)]}' spans segments; only '*' and '**' patterns are supported";
                return null;
            }
        }

        var segments = new List<TemplateSegment>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        if (text == "/")
        {
            return new PathTemplate(text, segments, verb: null);
        }

        if (text[^1] == '/')
        {
            // ESPv2's parser refuses it (an empty last segment); the request's trailing slash is optional anyway.
            error = "a path template cannot end with '/' (a trailing slash in the request is optional without it)";
            return null;
        }

        string body = text[1..];
        string? verb = null;
        int lastSlash = body.LastIndexOf('/');
        int colon = body.IndexOf(':', lastSlash + 1);
        if (body.AsSpan(0, lastSlash + 1).Contains(':'))
        {
            error = "':' may only introduce a custom verb at the end of a path template (e.g. '/books/{id}:read')";
            return null;
        }

        if (colon >= 0)
        {
            verb = body[(colon + 1)..];
            body = body[..colon];
            if (verb.Length == 0 || verb.Contains(':', StringComparison.Ordinal))
            {
                error = $"custom verb ':{verb}' must be one non-empty literal";
                return null;
            }

            if (verb.AsSpan().IndexOfAnyExcept(LiteralChars) >= 0 || verb.Contains('%', StringComparison.Ordinal))
            {
                error = $"custom verb ':{verb}' contains a character that is not allowed in a URL path";
                return null;
            }

            if (body.Length == lastSlash + 1)
            {
                error = $"custom verb ':{verb}' must follow a segment ('/:verb' and '/a/:verb' are refused by ESPv2 too)";
                return null;
            }
        }

        foreach (string raw in body.Split('/'))
        {
            TemplateSegment? segment = ParseSegment(raw, out error);
            if (segment is null)
            {
                return null;
            }

            if (segment.Kind != SegmentKind.Literal && segment.Text is not null && !names.Add(segment.Text))
            {
                error = $"path variable '{segment.Text}' appears twice";
                return null;
            }

            if (segment.Kind != SegmentKind.Literal && segments.Exists(s => s.Kind == SegmentKind.Multi))
            {
                // ESPv2's uri_template_parser (validateParts) refuses this too; two greedy
                // wildcards would also make matching polynomial in the number of path segments.
                error = $"segment '{raw}' follows '**'; only literal segments may follow '**'";
                return null;
            }

            segments.Add(segment);
        }

        if (segments.Count(s => s.Kind != SegmentKind.Literal) > MaxWildcards)
        {
            error = $"a path template may hold at most {MaxWildcards} variables and wildcards";
            return null;
        }

        return new PathTemplate(text, segments, verb);
    }

    private static TemplateSegment? ParseSegment(string raw, out string? error)
    {
        error = null;
        if (raw.Length == 0)
        {
            error = "a path template cannot contain an empty segment ('//')";
            return null;
        }

        if (raw == "*")
        {
            return new TemplateSegment(SegmentKind.Single, null);
        }

        if (raw == "**")
        {
            return new TemplateSegment(SegmentKind.Multi, null);
        }

        int open = raw.IndexOf('{', StringComparison.Ordinal);
        int close = raw.IndexOf('}', StringComparison.Ordinal);
        if (open < 0 && close < 0)
        {
            if (raw.Contains('*', StringComparison.Ordinal))
            {
                error = $"segment '{raw}' mixes '*' with text; wildcards must be whole segments";
                return null;
            }

            if (raw.AsSpan().IndexOfAnyExcept(LiteralChars) >= 0)
            {
                error = $"segment '{raw}' contains a character that is not allowed in a URL path";
                return null;
            }

            return new TemplateSegment(SegmentKind.Literal, raw);
        }

        if (open != 0 || close != raw.Length - 1 || raw.IndexOf('{', 1) >= 0)
        {
            error = $"segment '{raw}' is a partial-segment variable; path variables must match whole segments (API Gateway rejects '/items/overview.{{format}}' too)";
            return null;
        }

        string inner = raw[1..^1];
        string name = inner;
        SegmentKind kind = SegmentKind.Single;
        int eq = inner.IndexOf('=', StringComparison.Ordinal);
        if (eq >= 0)
        {
            name = inner[..eq];
            string pattern = inner[(eq + 1)..];
            kind = pattern switch
            {
                "*" => SegmentKind.Single,
                "**" => SegmentKind.Multi,
                _ => (SegmentKind)(-1),
            };
            if ((int)kind < 0)
            {
                error = $"variable '{name}' has pattern '{pattern}'; only '*' and '**' are supported";
                return null;
            }
        }

        if (!IsValidName(name))
        {
            error = $"'{name}' is not a valid path variable name";
            return null;
        }

        return new TemplateSegment(kind, name);
    }

    private static bool IsValidName(string name) =>
        name.Length > 0
        && (char.IsAsciiLetter(name[0]) || name[0] == '_')
        && name.AsSpan().IndexOfAnyExcept(NameChars) < 0;

    private static readonly System.Buffers.SearchValues<char> NameChars = System.Buffers.SearchValues.Create(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-");

    private static readonly System.Buffers.SearchValues<char> LiteralChars = System.Buffers.SearchValues.Create(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()+,;=:@%");

    /// <inheritdoc />
    public override string ToString() => Text;
}
