using Portcullis.PolicyEngine.Policy;

namespace Portcullis.PolicyEngine.Compilation;

/// <summary>A compiled policy (when there were no errors) and every diagnostic.</summary>
public sealed record CompileResult(ApiPolicy? Policy, IReadOnlyList<Diagnostic> Diagnostics)
{
    /// <summary>True when the config compiled without errors.</summary>
    public bool Succeeded => Policy is not null;

    /// <summary>The errors only.</summary>
    public IEnumerable<Diagnostic> Errors => Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error);
}
