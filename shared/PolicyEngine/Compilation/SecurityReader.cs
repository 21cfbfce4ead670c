using Portcullis.PolicyEngine.Policy;
using Portcullis.PolicyEngine.Yaml;

namespace Portcullis.PolicyEngine.Compilation;

/// <summary>Reads security schemes and turns <c>security</c> requirement lists into an <see cref="AuthRequirement"/>.</summary>
internal sealed class SecurityReader
{
    private readonly Dictionary<string, SecurityScheme> _schemes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _issuers = new(StringComparer.Ordinal);
    private readonly HashSet<string> _refusedJwt = new(StringComparer.Ordinal);
    private readonly DiagnosticBag _diagnostics;
    private readonly JwtProviderReader _jwt;

    public SecurityReader(DiagnosticBag diagnostics)
    {
        _diagnostics = diagnostics;
        _jwt = new JwtProviderReader(diagnostics);
    }

    /// <summary>The service name for the default JWT audience (<c>https://SERVICE</c>); set before <see cref="ReadSchemes"/>.</summary>
    public string ServiceName { get; set; } = "";

    /// <summary>Whether the document is OpenAPI 3 (<c>x-google-auth</c>) rather than Swagger 2.0.</summary>
    public bool OpenApi3 { get; set; }

    /// <summary>Every apiKey location declared, expanded like an operation's (for stripping keys before forwarding).</summary>
    public IReadOnlyList<KeyLocation> AllKeyLocations =>
        Expand(_schemes.Values.Where(s => s.Location is not null).Select(s => s.Location!));

    /// <summary>Reads <c>securityDefinitions</c> (Swagger 2.0) or <c>components.securitySchemes</c> (OpenAPI 3).</summary>
    public void ReadSchemes(ConfigNode schemes)
    {
        if (!schemes.IsMapping)
        {
            _diagnostics.Error(schemes, "security schemes must be a mapping of name to scheme");
            return;
        }

        foreach ((string name, ConfigNode scheme) in schemes.Entries())
        {
            if (scheme.TryGet("$ref", out ConfigNode reference))
            {
                _diagnostics.Error(reference, "$ref in security schemes is not supported; define the scheme inline");
                continue;
            }

            string type = scheme.TryGet("type", out ConfigNode typeNode) ? typeNode.Scalar ?? "" : "";
            if (type.Length == 0)
            {
                _diagnostics.Error(scheme, $"security scheme '{name}' has no 'type'");
                continue;
            }

            if (JwtProviderReader.IsJwtScheme(scheme, type, OpenApi3))
            {
                JwtProvider? provider = _jwt.Read(name, scheme, OpenApi3, ServiceName);
                if (provider is not null && _issuers.TryGetValue(provider.Issuer, out string? first))
                {
                    // ESPv2's docs require a distinct issuer per definition: a token could not say which one it is for.
                    _diagnostics.Error(scheme, $"JWT scheme '{name}' has the same issuer '{provider.Issuer}' as scheme '{first}'; each JWT scheme needs its own issuer");
                    provider = null;
                }
                else if (provider is not null)
                {
                    _issuers.Add(provider.Issuer, name);
                }

                if (provider is null)
                {
                    _refusedJwt.Add(name);
                }

                _schemes[name] = new SecurityScheme(name, type, null, provider);
                continue;
            }

            if (type != "apiKey")
            {
                _schemes[name] = new SecurityScheme(name, type, null);
                continue;
            }

            string? keyName = scheme.TryGet("name", out ConfigNode nameNode) ? nameNode.Scalar : null;
            string? where = scheme.TryGet("in", out ConfigNode inNode) ? inNode.Scalar : null;
            if (string.IsNullOrEmpty(keyName))
            {
                _diagnostics.Error(scheme, $"apiKey scheme '{name}' has no 'name'");
                continue;
            }

            KeyLocationKind? kind = where switch
            {
                "query" => KeyLocationKind.Query,
                "header" => KeyLocationKind.Header,
                _ => null,
            };
            if (kind is null)
            {
                _diagnostics.Error(
                    inNode.Node is null ? scheme : inNode,
                    $"apiKey scheme '{name}' has 'in: {where}'; API keys are read from 'query' or 'header' only");
                continue;
            }

            _schemes[name] = new SecurityScheme(name, type, new KeyLocation(kind.Value, keyName));
        }
    }

    /// <summary>
    /// Evaluates a <c>security</c> list: OR between requirement objects, AND inside one.
    /// Returns false (with diagnostics) when the list cannot be enforced as written.
    /// </summary>
    public bool TryEvaluate(ConfigNode security, out AuthRequirement requirement, out IReadOnlyList<KeyLocation> locations)
    {
        requirement = AuthRequirement.None;
        locations = [];
        if (!security.IsSequence)
        {
            _diagnostics.Error(security, "'security' must be a list of requirement objects");
            return false;
        }

        bool ok = true;
        var alternatives = new List<AuthAlternative>();
        var found = new List<KeyLocation>();
        foreach (ConfigNode alternative in security.Items())
        {
            if (!alternative.IsMapping && !alternative.IsNull)
            {
                _diagnostics.Error(alternative, "a security requirement must be an object mapping scheme names to scopes");
                ok = false;
                continue;
            }

            JwtProvider? jwt = null;
            string? jwtName = null;
            bool key = false;
            foreach ((string name, ConfigNode at) in alternative.Entries())
            {
                if (!_schemes.TryGetValue(name, out SecurityScheme? scheme))
                {
                    // ESPv2 silently leaves such a method open; we refuse the config instead.
                    _diagnostics.Error(at, $"security requirement names scheme '{name}', which is not defined; the method would be left unauthenticated");
                    ok = false;
                    continue;
                }

                if (scheme.Location is not null)
                {
                    key = true;
                    found.Add(scheme.Location);
                    continue;
                }

                if (scheme.Jwt is { } provider)
                {
                    if (jwt is not null)
                    {
                        _diagnostics.Error(at, $"security requirement needs both JWT schemes '{jwtName}' and '{name}' (an AND of two JWT schemes), which ESPv2 does not support either; list them as separate requirements to accept either");
                        ok = false;
                        continue;
                    }

                    jwt = provider;
                    jwtName = name;
                    continue;
                }

                if (_refusedJwt.Contains(name))
                {
                    // Its definition was refused (and reported there); nothing more to say here.
                    ok = false;
                    continue;
                }

                _diagnostics.Error(at, scheme.Type == "oauth2" && !OpenApi3
                    ? $"security scheme '{name}' is of type 'oauth2' without x-google-issuer; Portcullis cannot verify its tokens, and would leave this method unauthenticated"
                    : $"security scheme '{name}' is of type '{scheme.Type}'; Portcullis enforces apiKey schemes and JWT schemes ({(OpenApi3 ? "x-google-auth" : "oauth2 with x-google-issuer")}) only, and would leave this method unauthenticated");
                ok = false;
            }

            alternatives.Add(new AuthAlternative(jwt, key));
        }

        if (!ok)
        {
            return false;
        }

        requirement = alternatives.All(a => a.IsAnonymous) ? AuthRequirement.None : new AuthRequirement(alternatives);
        locations = requirement.UsesKey ? Expand(found) : [];
        return true;
    }

    // Queries before headers (ESPv2 configinfo order), duplicates dropped; the default scheme
    // (query "key" alone) also reads query "api_key" and header "x-api-key".
    private static IReadOnlyList<KeyLocation> Expand(IEnumerable<KeyLocation> declared)
    {
        var ordered = declared
            .Where(l => l.Kind == KeyLocationKind.Query)
            .Concat(declared.Where(l => l.Kind == KeyLocationKind.Header))
            .Distinct()
            .ToList();
        if (ordered.Count == 1 && ordered[0] == KeyLocation.Defaults[0])
        {
            return KeyLocation.Defaults;
        }

        return ordered;
    }
}
