using System.Globalization;

namespace Portcullis.PolicyEngine.Compilation;

/// <summary>One problem found in a config: where (JSON pointer, line, column) and why.</summary>
/// <param name="Severity">Error or warning.</param>
/// <param name="Pointer">RFC 6901 JSON pointer into the document ("" for the root).</param>
/// <param name="Line">1-based line, 0 when unknown.</param>
/// <param name="Column">1-based column, 0 when unknown.</param>
/// <param name="Message">What is wrong, in words a config author can act on.</param>
public sealed record Diagnostic(DiagnosticSeverity Severity, string Pointer, int Line, int Column, string Message)
{
    /// <summary>Formats as <c>file:line:column: error: message (at /pointer)</c>.</summary>
    public string Format(string? source)
    {
        string where = Line > 0
            ? string.Create(CultureInfo.InvariantCulture, $"{source ?? "config"}:{Line}:{Column}")
            : source ?? "config";
        string severity = Severity == DiagnosticSeverity.Error ? "error" : "warning";
        string pointer = Pointer.Length == 0 ? "/" : Pointer;
        return $"{where}: {severity}: {Message} (at {pointer})";
    }

    /// <inheritdoc />
    public override string ToString() => Format(null);
}
