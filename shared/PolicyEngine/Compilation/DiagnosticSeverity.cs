namespace Portcullis.PolicyEngine.Compilation;

/// <summary>How bad a diagnostic is.</summary>
public enum DiagnosticSeverity
{
    /// <summary>The config works, but probably not as meant.</summary>
    Warning,

    /// <summary>The config is refused.</summary>
    Error,
}
