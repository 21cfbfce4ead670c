using Portcullis.PolicyEngine.Policy;
using Portcullis.PolicyEngine.Yaml;

namespace Portcullis.PolicyEngine.Compilation;

/// <summary>Reads security schemes and turns <c>security</c> requirement lists into a key rule.</summary>
internal sealed class SecurityReader
{
    private readonly Dictionary<string, SecurityScheme> _schemes = new(StringComparer.Ordinal);
    private readonly DiagnosticBag _diagnostics;

    public SecurityReader(DiagnosticBag diagnostics) => _diagnostics = diagnostics;

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
    public bool TryEvaluate(ConfigNode security, out KeyRequirement requirement, out IReadOnlyList<KeyLocation> locations)
    {
        requirement = KeyRequirement.None;
        locations = [];
        if (!security.IsSequence)
        {
            _diagnostics.Error(security, "'security' must be a list of requirement objects");
            return false;
        }

        bool ok = true;
        bool anyEmpty = false;
        bool anyKeyed = false;
        var found = new List<KeyLocation>();
        foreach (ConfigNode alternative in security.Items())
        {
            if (!alternative.IsMapping && !alternative.IsNull)
            {
                _diagnostics.Error(alternative, "a security requirement must be an object mapping scheme names to scopes");
                ok = false;
                continue;
            }

            var names = alternative.Entries().ToList();
            if (names.Count == 0)
            {
                anyEmpty = true;
                continue;
            }

            foreach ((string name, ConfigNode at) in names)
            {
                if (!_schemes.TryGetValue(name, out SecurityScheme? scheme))
                {
                    // ESPv2 silently leaves such a method open; we refuse the config instead.
                    _diagnostics.Error(at, $"security requirement names scheme '{name}', which is not defined; the method would be left unauthenticated");
                    ok = false;
                    continue;
                }

                if (scheme.Location is null)
                {
                    _diagnostics.Error(at, $"security scheme '{name}' is of type '{scheme.Type}'; Portcullis enforces apiKey schemes only, and would leave this method unauthenticated");
                    ok = false;
                    continue;
                }

                anyKeyed = true;
                found.Add(scheme.Location);
            }
        }

        if (!ok)
        {
            return false;
        }

        requirement = anyKeyed ? (anyEmpty ? KeyRequirement.Optional : KeyRequirement.Required) : KeyRequirement.None;
        locations = anyKeyed ? Expand(found) : [];
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
