using Portcullis.PolicyEngine.Policy;
using Portcullis.PolicyEngine.Yaml;

namespace Portcullis.PolicyEngine.Compilation;

/// <summary>
/// Reads a caller-JWT provider from a security scheme: Swagger 2.0 <c>type: oauth2</c> with
/// <c>x-google-issuer</c>, <c>x-google-jwks_uri</c>, <c>x-google-audiences</c> (one comma-separated
/// string) and <c>x-google-jwt-locations</c>; or OpenAPI 3 <c>x-google-auth</c> with <c>issuer</c>,
/// <c>jwksUri</c>, <c>audiences</c> (a list) and <c>jwtLocations</c>. Defaults as ESPv2 applies
/// them: the three default token locations, the audience <c>https://SERVICE</c>, OpenID
/// discovery when no JWKS URL is given. Scopes are ignored.
/// </summary>
internal sealed class JwtProviderReader(DiagnosticBag diagnostics)
{
    /// <summary>Whether <paramref name="scheme"/> declares a JWT provider (it may still be malformed).</summary>
    public static bool IsJwtScheme(ConfigNode scheme, string type, bool openApi3) =>
        openApi3 ? scheme.TryGet("x-google-auth", out _) : type == "oauth2" && scheme.TryGet("x-google-issuer", out _);

    /// <summary>Reads the provider, or returns null with the problems reported.</summary>
    public JwtProvider? Read(string name, ConfigNode scheme, bool openApi3, string serviceName)
    {
        ConfigNode settings = scheme;
        string issuerField = "x-google-issuer", jwksField = "x-google-jwks_uri", audiencesField = "x-google-audiences", locationsField = "x-google-jwt-locations";
        if (openApi3)
        {
            scheme.TryGet("x-google-auth", out settings);
            if (!settings.IsMapping)
            {
                diagnostics.Error(settings, $"x-google-auth of security scheme '{name}' must be an object with 'issuer', and optionally 'jwksUri', 'audiences' and 'jwtLocations'");
                return null;
            }

            issuerField = "issuer";
            jwksField = settings.TryGet("jwks_uri", out _) ? "jwks_uri" : "jwksUri";
            audiencesField = "audiences";
            locationsField = settings.TryGet("jwt_locations", out _) ? "jwt_locations" : "jwtLocations";
        }

        bool ok = true;
        string? issuer = settings.TryGet(issuerField, out ConfigNode issuerNode) ? issuerNode.Scalar : null;
        if (string.IsNullOrWhiteSpace(issuer))
        {
            diagnostics.Error(issuerNode.Node is null ? settings : issuerNode, $"JWT scheme '{name}' has no issuer ('{issuerField}'); tokens cannot be checked without one");
            return null;
        }

        Uri? jwks = null;
        Uri? discovery = null;
        if (settings.TryGet(jwksField, out ConfigNode jwksNode))
        {
            if (!TryHttpUri(jwksNode.Scalar, out jwks))
            {
                diagnostics.Error(jwksNode, $"{jwksField} of JWT scheme '{name}' must be an absolute http:// or https:// URL, not '{jwksNode.Scalar}'");
                ok = false;
            }
        }
        else if (openApi3 && scheme.TryGet("openIdConnectUrl", out ConfigNode oidc) && TryHttpUri(oidc.Scalar, out Uri? oidcUri))
        {
            discovery = oidcUri;
        }
        else if (!TryHttpUri(DiscoveryUrl(issuer), out discovery))
        {
            diagnostics.Error(issuerNode, $"JWT scheme '{name}' has no {jwksField}, and its issuer '{issuer}' cannot be turned into an OpenID discovery URL; give {jwksField}");
            ok = false;
        }

        List<string> audiences = ReadAudiences(settings, audiencesField, name, ref ok);
        if (audiences.Count == 0)
        {
            if (serviceName.Length == 0)
            {
                diagnostics.Error(settings, $"JWT scheme '{name}' has no {audiencesField}, and the config names no service ('host' or a server URL) for ESPv2's default audience https://SERVICE; list the audiences");
                ok = false;
            }
            else
            {
                audiences.Add("https://" + serviceName);
            }
        }

        IReadOnlyList<JwtLocation> locations = JwtLocation.Defaults;
        if (settings.TryGet(locationsField, out ConfigNode locationsNode))
        {
            locations = ReadLocations(locationsNode, name, ref ok);
        }

        return ok ? new JwtProvider(name, issuer, jwks, discovery, audiences, locations) : null;
    }

    /// <summary>ESPv2's discovery URL: <c>https://</c> prefixed when the issuer has no http scheme, one trailing <c>/</c> trimmed.</summary>
    public static string DiscoveryUrl(string issuer)
    {
        string baseUrl = issuer.StartsWith("http://", StringComparison.Ordinal) || issuer.StartsWith("https://", StringComparison.Ordinal)
            ? issuer
            : "https://" + issuer;
        return baseUrl.TrimEnd('/') + "/.well-known/openid-configuration";
    }

    private static bool TryHttpUri(string? text, out Uri? uri)
    {
        uri = null;
        if (text is null || !Uri.TryCreate(text, UriKind.Absolute, out Uri? parsed) || (parsed.Scheme != Uri.UriSchemeHttps && parsed.Scheme != Uri.UriSchemeHttp) || parsed.Host.Length == 0)
        {
            return false;
        }

        uri = parsed;
        return true;
    }

    private List<string> ReadAudiences(ConfigNode settings, string field, string name, ref bool ok)
    {
        var audiences = new List<string>();
        if (!settings.TryGet(field, out ConfigNode node) || node.IsNull)
        {
            return audiences;
        }

        if (node.IsSequence)
        {
            foreach (ConfigNode item in node.Items())
            {
                if (item.Scalar is not { } value)
                {
                    diagnostics.Error(item, $"each audience of JWT scheme '{name}' must be a string");
                    ok = false;
                    continue;
                }

                AddSplit(value, audiences);
            }
        }
        else if (node.Scalar is { } text)
        {
            AddSplit(text, audiences);
        }
        else
        {
            diagnostics.Error(node, $"{field} of JWT scheme '{name}' must be a comma-separated string or a list of strings");
            ok = false;
        }

        return audiences;
    }

    // ESPv2 splits x-google-audiences on ',' and trims each part.
    private static void AddSplit(string value, List<string> audiences)
    {
        foreach (string part in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!audiences.Contains(part))
            {
                audiences.Add(part);
            }
        }
    }

    private List<JwtLocation> ReadLocations(ConfigNode node, string name, ref bool ok)
    {
        var locations = new List<JwtLocation>();
        if (!node.IsSequence)
        {
            diagnostics.Error(node, $"JWT locations of scheme '{name}' must be a list of {{header, value_prefix}} or {{query}} objects");
            ok = false;
            return locations;
        }

        foreach (ConfigNode item in node.Items())
        {
            string? header = item.TryGet("header", out ConfigNode h) ? h.Scalar : null;
            string? query = item.TryGet("query", out ConfigNode q) ? q.Scalar : null;
            string? prefix = item.TryGet("value_prefix", out ConfigNode p) || item.TryGet("valuePrefix", out p) ? p.Scalar ?? "" : null;
            if (item.TryGet("cookie", out ConfigNode cookie) && header is null && query is null)
            {
                // ESPv2 skips cookie locations too (and logs an error).
                diagnostics.Warning(cookie, $"cookie JWT locations are not supported (ESPv2 ignores them too); this location of scheme '{name}' is ignored");
                continue;
            }

            if (!item.IsMapping || (header is null) == (query is null) || (header ?? query)!.Length == 0 || (query is not null && prefix is not null))
            {
                diagnostics.Error(item, $"malformed JWT location in scheme '{name}': each entry needs exactly one of 'header' (with an optional 'value_prefix') or 'query', with a non-empty name");
                ok = false;
                continue;
            }

            locations.Add(header is not null
                ? new JwtLocation(KeyLocationKind.Header, header, prefix ?? "")
                : new JwtLocation(KeyLocationKind.Query, query!));
        }

        if (ok && locations.Count == 0)
        {
            diagnostics.Error(node, $"JWT scheme '{name}' lists no usable token location; remove the list to use the defaults");
            ok = false;
        }

        return locations;
    }
}
