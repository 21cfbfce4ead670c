using System.Globalization;
using Portcullis.PolicyEngine.Policy;
using Portcullis.PolicyEngine.Yaml;

namespace Portcullis.PolicyEngine.Compilation;

/// <summary>
/// Reads a backend: an <c>x-google-backend</c> object (Swagger 2.0, snake_case) or an
/// <c>x-google-api-management.backends</c> entry (OpenAPI 3, camelCase). The path translation
/// default depends on where the backend is used, so it is applied later by <see cref="ToRule"/>.
/// A backend that gives no address takes <see cref="CompileOptions.DefaultBackend"/> (ESPv2 sends
/// an address-less backend rule to its <c>--backend</c>, keeping the rule's deadline).
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
    private readonly Uri? _default;

    public BackendReader(DiagnosticBag diagnostics, CompileOptions options)
    {
        _diagnostics = diagnostics;
        _override = options.BackendOverride;
        _default = options.DefaultBackend;
    }

    /// <summary>A parsed backend whose translation may still be unset; <c>IsDefault</c>: the address is the default backend's (the config gave none).</summary>
    internal sealed record Spec(Uri Address, PathTranslation? Translation, string? Audience, bool DisableAuth, TimeSpan Deadline, BackendProtocol Protocol, bool IsDefault = false);

    /// <summary>The default backend as a top-level <c>x-google-backend</c> with only an address; null when none is set.</summary>
    public Spec? DefaultSpec() => _default is null
        ? null
        : new Spec(_default, null, null, false, BackendRule.DefaultDeadline, BackendProtocol.Auto, IsDefault: true);

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

        Uri? address = ReadAddress(node, ref ok, out bool isDefault);
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
            ? new Spec(address, translation, audience, disableAuth, deadline, protocol, isDefault)
            : null;
    }

    /// <summary>
    /// The rule for a backend used where <paramref name="defaultTranslation"/> applies. On the default
    /// backend the path is appended unless the config says otherwise: ESPv2 forwards the request path
    /// unchanged to its <c>--backend</c>.
    /// </summary>
    public static BackendRule ToRule(Spec spec, PathTranslation defaultTranslation) => new(
        spec.Address,
        spec.Translation ?? (spec.IsDefault ? PathTranslation.AppendPathToAddress : defaultTranslation),
        spec.DisableAuth ? null : spec.Audience ?? BackendRule.DefaultAudience(spec.Address),
        spec.DisableAuth,
        spec.Deadline,
        spec.Protocol);

    private Uri? ReadAddress(ConfigNode node, ref bool ok, out bool isDefault)
    {
        isDefault = false;
        if (!node.TryGet("address", out ConfigNode a) || a.IsNull || (a.IsScalar && string.IsNullOrWhiteSpace(a.Scalar)))
        {
            if (_default is not null)
            {
                isDefault = true;
                return _default;
            }

            _diagnostics.Error(node, "backend has no 'address': add one, " + CompileOptions.DefaultBackendHint);
            ok = false;
            return null;
        }

        if (a.Scalar is not { } text)
        {
            // `address: {{My Cloud Run URL}}` is a template placeholder that YAML reads as a mapping.
            _diagnostics.Error(a, $"backend address must be a string URL such as \"https://my-service-abc123-uc.a.run.app\", not a {(a.IsMapping ? "mapping" : "list")}; replace any placeholder like {{{{My Cloud Run URL}}}} with the URL");
            ok = false;
            return null;
        }

        if (CompileOptions.TryParseBackendAddress(text, out Uri? uri, out string? error))
        {
            return _override is null ? uri : Rebase(uri, _override);
        }

        _diagnostics.Error(a, error);
        ok = false;
        return null;
    }

    private static Uri Rebase(Uri address, Uri target) =>
        new UriBuilder(address) { Scheme = target.Scheme, Host = target.Host, Port = target.Port }.Uri;

    private static bool TryField(ConfigNode node, string snake, string camel, out ConfigNode value) =>
        node.TryGet(snake, out value) || node.TryGet(camel, out value);
}
