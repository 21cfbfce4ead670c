namespace Portcullis.PolicyEngine.Compilation;

/// <summary>Options for one compilation.</summary>
public sealed record CompileOptions
{
    /// <summary>
    /// When set, every backend address keeps its path but takes this scheme, host and port
    /// (ESPv2's <c>--enable_backend_address_override</c>; used by <c>portcullis dev --backend</c>).
    /// </summary>
    public Uri? BackendOverride { get; init; }

    /// <summary>
    /// The backend for operations whose config names no backend address (ESPv2's <c>--backend</c>,
    /// <c>PORTCULLIS_BACKEND</c>, the CLI's <c>--backend</c>). It acts as a top-level
    /// <c>x-google-backend</c> with this address: <c>APPEND_PATH_TO_ADDRESS</c>, the default deadline
    /// and an ID token for the address. An <c>x-google-backend</c> that gives no address (the ESPv2
    /// sidecar form, e.g. only a <c>deadline</c>) takes this address and keeps its other fields.
    /// Null: such a config is refused, with <see cref="DefaultBackendHint"/> in the message.
    /// Check a value with <see cref="TryParseBackendAddress"/>.
    /// </summary>
    public Uri? DefaultBackend { get; init; }

    /// <summary>Name of the source, for messages (a file name).</summary>
    public string? SourceName { get; init; }

    /// <summary>How a user gives a default backend; ends every "has no backend" message.</summary>
    public const string DefaultBackendHint =
        "or give a default backend, as ESPv2's --backend does: `--backend https://…` for portcullis validate, diff, deploy and dev, PORTCULLIS_BACKEND=https://… for the gateway and the deployer";

    /// <summary>
    /// Checks a backend address the way the compiler checks <c>x-google-backend.address</c>: an
    /// absolute http(s) URL with a host and no query, fragment or user info.
    /// </summary>
    /// <returns>Whether <paramref name="text"/> is usable; otherwise <paramref name="error"/> says why.</returns>
    public static bool TryParseBackendAddress(string text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Uri? address, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? error)
    {
        address = null;
        if (!Uri.TryCreate(text, UriKind.Absolute, out Uri? uri) || string.IsNullOrEmpty(uri.Host))
        {
            error = $"backend address '{text}' is not an absolute URL";
        }
        else if (uri.Scheme is "grpc" or "grpcs")
        {
            error = $"backend address '{text}': gRPC backends are not supported; use http:// or https://";
        }
        else if (uri.Scheme is not ("http" or "https"))
        {
            error = $"backend address '{text}' must use http:// or https://";
        }
        else if (uri.Query.Length > 0 || uri.Fragment.Length > 0 || uri.UserInfo.Length > 0 || text.Contains('#', StringComparison.Ordinal))
        {
            error = $"backend address '{text}' cannot carry a query, fragment or user info";
        }
        else
        {
            address = uri;
            error = null;
            return true;
        }

        return false;
    }
}
