using System.Globalization;
using Portcullis.PolicyEngine.Policy;
using Portcullis.PolicyEngine.Yaml;

namespace Portcullis.PolicyEngine.Compilation;

/// <summary>
/// Reads a backend: an <c>x-google-backend</c> object (Swagger 2.0, snake_case) or an
/// <c>x-google-api-management.backends</c> entry (OpenAPI 3, camelCase). The path translation
/// default depends on where the backend is used, so it is applied later by <see cref="ToRule"/>.
/// </summary>
internal sealed class BackendReader
{
    private static readonly HashSet<string> s_known = new(StringComparer.Ordinal)
    {
        "address", "path_translation", "pathTranslation", "jwt_audience", "jwtAudience",
        "disable_auth", "disableAuth", "deadline", "protocol", "operation_deadline", "operationDeadline",
    };

    private readonly DiagnosticBag _diagnostics;
    private readonly Uri? _override;

    public BackendReader(DiagnosticBag diagnostics, Uri? backendOverride)
    {
        _diagnostics = diagnostics;
        _override = backendOverride;
    }

    /// <summary>A parsed backend whose translation may still be unset.</summary>
    internal sealed record Spec(Uri Address, PathTranslation? Translation, string? Audience, bool DisableAuth, TimeSpan Deadline, BackendProtocol Protocol);

    public Spec? Read(ConfigNode node)
    {
        if (!node.IsMapping)
        {
            _diagnostics.Error(node, "a backend must be an object with at least 'address'");
            return null;
        }

        bool ok = true;
        foreach ((string key, ConfigNode value) in node.Entries())
        {
            if (!s_known.Contains(key))
            {
                _diagnostics.Warning(value, $"unknown backend field '{key}' is ignored");
            }
        }

        Uri? address = ReadAddress(node, ref ok);
        PathTranslation? translation = null;
        if (TryField(node, "path_translation", "pathTranslation", out ConfigNode t))
        {
            translation = t.Scalar switch
            {
                "APPEND_PATH_TO_ADDRESS" => PathTranslation.AppendPathToAddress,
                "CONSTANT_ADDRESS" => PathTranslation.ConstantAddress,
                _ => null,
            };
            if (translation is null)
            {
                _diagnostics.Error(t, $"unknown path_translation '{t.Scalar}'; use APPEND_PATH_TO_ADDRESS or CONSTANT_ADDRESS");
                ok = false;
            }
        }

        string? audience = null;
        if (TryField(node, "jwt_audience", "jwtAudience", out ConfigNode a))
        {
            audience = a.Scalar;
            if (string.IsNullOrWhiteSpace(audience))
            {
                _diagnostics.Error(a, "jwt_audience must be a non-empty string");
                ok = false;
            }
            else if (audience.Contains('&', StringComparison.Ordinal) || audience.Contains('#', StringComparison.Ordinal))
            {
                // Google.Apis.Auth does not URL-encode the audience in the metadata-server request.
                _diagnostics.Error(a, "jwt_audience cannot contain '&' or '#'");
                ok = false;
            }
        }

        bool disableAuth = false;
        if (TryField(node, "disable_auth", "disableAuth", out ConfigNode d))
        {
            if (!bool.TryParse(d.Scalar, out disableAuth))
            {
                _diagnostics.Error(d, "disable_auth must be true or false");
                ok = false;
            }
            else if (disableAuth && audience is not null)
            {
                _diagnostics.Error(d, "jwt_audience and disable_auth are mutually exclusive");
                ok = false;
            }
        }

        TimeSpan deadline = BackendRule.DefaultDeadline;
        if (node.TryGet("deadline", out ConfigNode dl))
        {
            if (!double.TryParse(dl.Scalar, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds)
                || seconds <= 0 || seconds > 3600 || double.IsNaN(seconds))
            {
                _diagnostics.Error(dl, $"deadline must be a number of seconds greater than 0 and at most 3600, not '{dl.Scalar}'");
                ok = false;
            }
            else
            {
                deadline = TimeSpan.FromSeconds(seconds);
            }
        }

        BackendProtocol protocol = BackendProtocol.Auto;
        if (node.TryGet("protocol", out ConfigNode p))
        {
            switch (p.Scalar)
            {
                case "http/1.1":
                    protocol = BackendProtocol.Http11;
                    break;
                case "h2":
                    protocol = BackendProtocol.Http2;
                    break;
                default:
                    _diagnostics.Error(p, $"protocol '{p.Scalar}' is not supported; use 'http/1.1' or 'h2'");
                    ok = false;
                    break;
            }
        }

        return ok && address is not null
            ? new Spec(address, translation, audience, disableAuth, deadline, protocol)
            : null;
    }

    public static BackendRule ToRule(Spec spec, PathTranslation defaultTranslation) => new(
        spec.Address,
        spec.Translation ?? defaultTranslation,
        spec.DisableAuth ? null : spec.Audience ?? BackendRule.DefaultAudience(spec.Address),
        spec.DisableAuth,
        spec.Deadline,
        spec.Protocol);

    private Uri? ReadAddress(ConfigNode node, ref bool ok)
    {
        if (!node.TryGet("address", out ConfigNode a) || string.IsNullOrWhiteSpace(a.Scalar))
        {
            _diagnostics.Error(node, "backend has no 'address'");
            ok = false;
            return null;
        }

        string text = a.Scalar;
        if (!Uri.TryCreate(text, UriKind.Absolute, out Uri? uri) || string.IsNullOrEmpty(uri.Host))
        {
            _diagnostics.Error(a, $"backend address '{text}' is not an absolute URL");
        }
        else if (uri.Scheme is "grpc" or "grpcs")
        {
            _diagnostics.Error(a, $"backend address '{text}': gRPC backends are not supported; use http:// or https://");
        }
        else if (uri.Scheme is not ("http" or "https"))
        {
            _diagnostics.Error(a, $"backend address '{text}' must use http:// or https://");
        }
        else if (uri.Query.Length > 0 || uri.Fragment.Length > 0 || uri.UserInfo.Length > 0 || text.Contains('#', StringComparison.Ordinal))
        {
            _diagnostics.Error(a, $"backend address '{text}' cannot carry a query, fragment or user info");
        }
        else
        {
            return _override is null ? uri : Rebase(uri, _override);
        }

        ok = false;
        return null;
    }

    private static Uri Rebase(Uri address, Uri target) =>
        new UriBuilder(address) { Scheme = target.Scheme, Host = target.Host, Port = target.Port }.Uri;

    private static bool TryField(ConfigNode node, string snake, string camel, out ConfigNode value) =>
        node.TryGet(snake, out value) || node.TryGet(camel, out value);
}
