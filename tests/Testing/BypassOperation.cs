using System.Text;
using System.Text.RegularExpressions;

namespace Portcullis.Testing;

/// <summary>
/// One operation of <see cref="BypassApi"/>: its method, path template, whether it needs a key and
/// where from, and the ESPv2 regex of the template (espv2-behaviour.md §5), used as the oracle.
/// </summary>
public sealed class BypassOperation
{
    internal BypassOperation(string method, string template, string operationId, bool isProtected, string? headerKey = null)
    {
        Method = method;
        Template = template;
        OperationId = operationId;
        Protected = isProtected;
        HeaderKey = headerKey;
        Pattern = new Regex(ToEspRegex(template), RegexOptions.CultureInvariant | RegexOptions.Compiled);
    }

    public string Method { get; }

    public string Template { get; }

    public string OperationId { get; }

    /// <summary>True when the operation needs a key; false for <c>security: []</c>.</summary>
    public bool Protected { get; }

    /// <summary>The operation's only key location when it is a custom header; null for ESPv2's default locations.</summary>
    public string? HeaderKey { get; }

    /// <summary>The backend path prefix that identifies this operation at the echo backend.</summary>
    public string BackendPrefix => "/op/" + OperationId;

    /// <summary>ESPv2's reading of the template: <c>{v}</c>/<c>*</c> → <c>[^/]+</c>, <c>**</c> → <c>.*</c>, one optional trailing slash.</summary>
    public Regex Pattern { get; }

    private static string ToEspRegex(string template)
    {
        var regex = new StringBuilder("^");
        foreach (string segment in template[1..].Split('/'))
        {
            regex.Append('/');
            regex.Append(segment switch
            {
                "*" => "[^/]+",
                "**" => ".*",
                _ when segment.StartsWith('{') && segment.EndsWith("=**}", StringComparison.Ordinal) => ".*",
                _ when segment.StartsWith('{') => "[^/]+",
                _ => Regex.Escape(segment),
            });
        }

        return regex.Append(@"\/?$").ToString();
    }
}
