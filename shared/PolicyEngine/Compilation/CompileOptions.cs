namespace Portcullis.PolicyEngine.Compilation;

/// <summary>Options for one compilation.</summary>
public sealed record CompileOptions
{
    /// <summary>
    /// When set, every backend address keeps its path but takes this scheme, host and port
    /// (ESPv2's <c>--enable_backend_address_override</c>; used by <c>portcullis dev --backend</c>).
    /// </summary>
    public Uri? BackendOverride { get; init; }

    /// <summary>Name of the source, for messages (a file name).</summary>
    public string? SourceName { get; init; }
}
