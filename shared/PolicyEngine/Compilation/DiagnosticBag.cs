using Portcullis.PolicyEngine.Yaml;

namespace Portcullis.PolicyEngine.Compilation;

/// <summary>Collects every diagnostic of one compilation (validation never stops at the first).</summary>
internal sealed class DiagnosticBag
{
    private readonly List<Diagnostic> _items = [];

    public IReadOnlyList<Diagnostic> Items => _items;

    public bool HasErrors => _items.Exists(d => d.Severity == DiagnosticSeverity.Error);

    public void Error(ConfigNode at, string message) =>
        _items.Add(new Diagnostic(DiagnosticSeverity.Error, at.Pointer, at.Line, at.Column, message));

    public void Warning(ConfigNode at, string message) =>
        _items.Add(new Diagnostic(DiagnosticSeverity.Warning, at.Pointer, at.Line, at.Column, message));

    public void Error(string pointer, int line, int column, string message) =>
        _items.Add(new Diagnostic(DiagnosticSeverity.Error, pointer, line, column, message));

    public List<Diagnostic> Sorted() =>
        [.. _items.OrderBy(d => d.Line).ThenBy(d => d.Column).ThenBy(d => d.Pointer, StringComparer.Ordinal)];
}
