using System.Security.Cryptography;
using System.Text;
using Portcullis.PolicyEngine.Policy;
using Portcullis.PolicyEngine.Routing;
using Portcullis.PolicyEngine.Yaml;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Portcullis.PolicyEngine.Compilation;

/// <summary>
/// Compiles an OpenAPI document (Swagger 2.0 in the API Gateway / Endpoints dialect, or
/// OpenAPI 3.0/3.1 with <c>x-google-api-management</c>) into an immutable <see cref="ApiPolicy"/>.
/// Every problem is reported at once, with its JSON pointer and line. The gateway and the
/// deployer both use this, so a config that validates is a config the gateway can load.
/// </summary>
public static class PolicyCompiler
{
    private static readonly string[] s_methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];
    private static readonly PathTemplate s_placeholder = PathTemplate.TryParse("/", out _)!;
    private static readonly string[] s_allowAllMethods = ["GET", "DELETE", "PATCH", "POST", "PUT"];
    private static readonly HashSet<string> s_pathItemKeys = new(StringComparer.Ordinal)
    {
        "get", "put", "post", "delete", "options", "head", "patch", "trace",
        "parameters", "summary", "description", "servers", "$ref",
    };

    /// <summary>Compiles <paramref name="content"/> (YAML or JSON).</summary>
    public static CompileResult Compile(string content, CompileOptions? options = null)
    {
        options ??= new CompileOptions();
        var diagnostics = new DiagnosticBag();
        ConfigNode? root = Parse(content, diagnostics);
        if (root is null)
        {
            return new CompileResult(null, diagnostics.Sorted());
        }

        ApiPolicy? policy = new Compilation(root.Value, diagnostics, options, ConfigIdOf(content)).Run();
        return new CompileResult(diagnostics.HasErrors ? null : policy, diagnostics.Sorted());
    }

    /// <summary>The content hash that identifies a config version.</summary>
    public static string ConfigIdOf(string content) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(content)))[..16];

    private static ConfigNode? Parse(string content, DiagnosticBag diagnostics)
    {
        YamlStream stream;
        try
        {
            stream = YamlLoader.Load(content);
        }
        catch (YamlException e)
        {
            string message = e.InnerException is { } inner ? $"{e.Message} {inner.Message}" : e.Message;
            diagnostics.Error("", (int)e.Start.Line, (int)e.Start.Column, $"not valid YAML or JSON: {message}");
            return null;
        }
        catch (ArgumentException e)
        {
            // YamlDotNet reports a duplicate mapping key this way.
            diagnostics.Error("", 0, 0, $"not valid YAML or JSON: {e.Message}");
            return null;
        }

        if (stream.Documents.Count != 1)
        {
            diagnostics.Error("", 0, 0, stream.Documents.Count == 0 ? "the config is empty" : "the config must hold exactly one YAML document");
            return null;
        }

        var root = new ConfigNode(stream.Documents[0].RootNode, "");
        if (!root.IsMapping)
        {
            diagnostics.Error(root, "the config must be an OpenAPI object (a mapping at the top level)");
            return null;
        }

        return root;
    }

    private sealed class Compilation(ConfigNode root, DiagnosticBag diagnostics, CompileOptions options, string configId)
    {
        private readonly SecurityReader _security = new(diagnostics);
        private readonly BackendReader _backends = new(diagnostics, options);
        private readonly Dictionary<string, BackendReader.Spec?> _namedBackends = new(StringComparer.Ordinal);
        private readonly QuotaReader _quota = new(diagnostics);
        private bool _openApi3;

        public ApiPolicy? Run()
        {
            if (!ReadVersion())
            {
                return null;
            }

            string title = root.TryGet("info", out ConfigNode info) && info.TryGet("title", out ConfigNode t) ? t.Scalar ?? "" : "";
            _security.ServiceName = ReadServiceName();
            _security.OpenApi3 = _openApi3;
            if (_openApi3)
            {
                if (root.TryGet("components", out ConfigNode components) && components.TryGet("securitySchemes", out ConfigNode schemes))
                {
                    _security.ReadSchemes(schemes);
                }

                ReadNamedBackends();
                if (root.TryGet("x-google-api-management", out ConfigNode management3))
                {
                    _quota.ReadOpenApi3(management3);
                }
            }
            else
            {
                if (root.TryGet("securityDefinitions", out ConfigNode definitions))
                {
                    _security.ReadSchemes(definitions);
                }

                if (root.TryGet("x-google-management", out ConfigNode management))
                {
                    _quota.ReadSwagger(management);
                }
            }

            KeyRule topSecurity = new(AuthRequirement.None, [], true);
            if (root.TryGet("security", out ConfigNode security))
            {
                bool ok = _security.TryEvaluate(security, out AuthRequirement requirement, out IReadOnlyList<KeyLocation> locations);
                topSecurity = new KeyRule(requirement, locations, ok);
            }

            BackendRule? topBackend = root.TryGet("x-google-backend", out ConfigNode backendNode)
                ? ReadBackendReference(backendNode, PathTranslation.AppendPathToAddress)
                : _backends.DefaultSpec() is { } defaultBackend ? BackendReader.ToRule(defaultBackend, PathTranslation.AppendPathToAddress) : null;

            bool allowAll = ReadAllow();
            bool allowCors = ReadAllowCors();
            List<ApiOperation> operations = ReadOperations(topSecurity, topBackend);
            List<ApiOperation> generated = Generate(operations, allowAll, allowCors, topBackend, backendNode);

            return new ApiPolicy(configId, title, ReadServiceName(), operations, generated, _security.AllKeyLocations, allowAll, allowCors, _quota.Limits);
        }

        private bool ReadVersion()
        {
            if (root.TryGet("swagger", out ConfigNode swagger))
            {
                if (swagger.Scalar != "2.0")
                {
                    diagnostics.Error(swagger, $"swagger version '{swagger.Scalar}' is not supported; use \"2.0\"");
                    return false;
                }

                return true;
            }

            if (root.TryGet("openapi", out ConfigNode openapi))
            {
                if (openapi.Scalar is not { } v || !(v.StartsWith("3.0", StringComparison.Ordinal) || v.StartsWith("3.1", StringComparison.Ordinal)))
                {
                    diagnostics.Error(openapi, $"openapi version '{openapi.Scalar}' is not supported; use 3.0.x or 3.1.x");
                    return false;
                }

                _openApi3 = true;
                return true;
            }

            diagnostics.Error(root, "not an OpenAPI document: neither 'swagger: \"2.0\"' nor 'openapi: 3.x' is present");
            return false;
        }

        private void ReadNamedBackends()
        {
            if (!root.TryGet("x-google-api-management", out ConfigNode management))
            {
                return;
            }

            if (management.TryGet("backends", out ConfigNode backends))
            {
                foreach ((string name, ConfigNode node) in backends.Entries())
                {
                    _namedBackends[name] = _backends.Read(node);
                }
            }
        }

        private BackendRule? ReadBackendReference(ConfigNode node, PathTranslation defaultTranslation)
        {
            if (!_openApi3)
            {
                BackendReader.Spec? spec = _backends.Read(node);
                return spec is null ? null : BackendReader.ToRule(spec, defaultTranslation);
            }

            if (node.Scalar is not { } name)
            {
                diagnostics.Error(node, "in OpenAPI 3, x-google-backend is the name of a backend defined in x-google-api-management.backends");
                return null;
            }

            if (!_namedBackends.TryGetValue(name, out BackendReader.Spec? named))
            {
                diagnostics.Error(node, $"backend '{name}' is not defined in x-google-api-management.backends");
                return null;
            }

            return named is null ? null : BackendReader.ToRule(named, defaultTranslation);
        }

        private bool ReadAllow()
        {
            if (!root.TryGet("x-google-allow", out ConfigNode allow))
            {
                return false;
            }

            switch (allow.Scalar)
            {
                case "all":
                    return true;
                case "configured":
                    return false;
                default:
                    diagnostics.Error(allow, $"x-google-allow must be 'configured' or 'all', not '{allow.Scalar}'");
                    return false;
            }
        }

        private bool ReadAllowCors()
        {
            bool allowCors = false;
            if (root.TryGet("x-google-endpoints", out ConfigNode endpoints))
            {
                foreach (ConfigNode endpoint in endpoints.Items())
                {
                    allowCors |= endpoint.TryGet("allowCors", out ConfigNode c) && c.Scalar == "true";
                }
            }

            if (root.TryGet("servers", out ConfigNode servers))
            {
                foreach (ConfigNode server in servers.Items())
                {
                    allowCors |= server.TryGet("x-google-endpoint", out ConfigNode e)
                        && e.TryGet("allowCors", out ConfigNode c) && c.Scalar == "true";
                }
            }

            return allowCors;
        }

        private string ReadServiceName()
        {
            if (root.TryGet("host", out ConfigNode host) && host.Scalar is { } h)
            {
                return h;
            }

            foreach (ConfigNode server in root.TryGet("servers", out ConfigNode servers) ? servers.Items() : [])
            {
                if (server.TryGet("url", out ConfigNode url) && Uri.TryCreate(url.Scalar, UriKind.Absolute, out Uri? uri))
                {
                    return uri.Host;
                }
            }

            return "";
        }

        private List<ApiOperation> ReadOperations(KeyRule topSecurity, BackendRule? topBackend)
        {
            var operations = new List<ApiOperation>();
            if (!root.TryGet("paths", out ConfigNode paths) || !paths.IsMapping)
            {
                diagnostics.Error(root, "the config has no 'paths'");
                return operations;
            }

            string basePath = BasePathReader.Read(root, _openApi3, diagnostics);
            var ids = new Dictionary<string, ConfigNode>(StringComparer.Ordinal);
            var shapes = new Dictionary<(string Method, string Shape), ApiOperation>();
            foreach ((string pathText, ConfigNode item) in paths.Entries())
            {
                if (pathText.StartsWith("x-", StringComparison.Ordinal))
                {
                    continue;
                }

                PathTemplate? template = PathTemplate.TryParse(pathText.StartsWith('/') ? basePath + pathText : pathText, out string? error);
                if (template is null)
                {
                    diagnostics.Error(item, $"path '{pathText}': {error}");
                }

                foreach ((string key, ConfigNode value) in item.Entries())
                {
                    if (!s_pathItemKeys.Contains(key) && !key.StartsWith("x-", StringComparison.Ordinal))
                    {
                        diagnostics.Warning(value, $"'{key}' is not an HTTP method or path item field; it is ignored");
                    }
                }

                foreach (string method in s_methods)
                {
                    if (!item.TryGet(method, out ConfigNode operationNode))
                    {
                        continue;
                    }

                    // With a bad template the operation is still read, so its own problems are reported too.
                    ApiOperation? operation = ReadOperation(method.ToUpperInvariant(), template ?? s_placeholder, operationNode, topSecurity, topBackend, ids);
                    if (operation is null || template is null)
                    {
                        continue;
                    }

                    if (shapes.TryGetValue((operation.Method, template.Shape), out ApiOperation? other))
                    {
                        diagnostics.Error(operationNode, $"{operation.Method} {basePath + pathText} matches the same requests as {other.Method} {other.Template.Text}; two operations cannot share a method and path template");
                        continue;
                    }

                    shapes.Add((operation.Method, template.Shape), operation);
                    operations.Add(operation);
                }
            }

            if (operations.Count == 0 && !diagnostics.HasErrors)
            {
                diagnostics.Error(paths, "the config defines no operations");
            }

            return operations;
        }

        private ApiOperation? ReadOperation(
            string method,
            PathTemplate template,
            ConfigNode node,
            KeyRule topSecurity,
            BackendRule? topBackend,
            Dictionary<string, ConfigNode> ids)
        {
            if (!node.IsMapping)
            {
                diagnostics.Error(node, "an operation must be an object");
                return null;
            }

            string operationId;
            if (node.TryGet("operationId", out ConfigNode idNode) && !string.IsNullOrWhiteSpace(idNode.Scalar))
            {
                operationId = idNode.Scalar;
                if (ids.TryGetValue(operationId, out ConfigNode first))
                {
                    diagnostics.Error(idNode, $"operationId '{operationId}' is already used at {first.Pointer} (line {first.Line})");
                }
                else
                {
                    ids.Add(operationId, idNode);
                }
            }
            else
            {
                operationId = GeneratedId(method, template);
                diagnostics.Warning(node, $"operation has no operationId; '{operationId}' is used in logs and usage reports");
            }

            KeyRule rule = topSecurity;
            if (node.TryGet("security", out ConfigNode security))
            {
                bool ok = _security.TryEvaluate(security, out AuthRequirement requirement, out IReadOnlyList<KeyLocation> locations);
                rule = new KeyRule(requirement, locations, ok);
            }

            BackendRule? backend = topBackend;
            if (node.TryGet("x-google-backend", out ConfigNode backendNode))
            {
                backend = ReadBackendReference(backendNode, PathTranslation.ConstantAddress);
                if (backend is null)
                {
                    return null;
                }
            }
            else if (backend is null && !root.TryGet("x-google-backend", out _))
            {
                diagnostics.Error(node, $"{method} {template.Text} has no backend: add x-google-backend here or at the top level, {CompileOptions.DefaultBackendHint}");
                return null;
            }

            IReadOnlyDictionary<string, long>? costs = _quota.ReadCosts(node);
            if (!rule.Ok || backend is null)
            {
                return null;
            }

            return new ApiOperation(method, template, operationId, rule.Requirement.KeyRequirement, rule.Locations, backend, metricCosts: costs, authentication: rule.Requirement);
        }

        private List<ApiOperation> Generate(List<ApiOperation> operations, bool allowAll, bool allowCors, BackendRule? topBackend, ConfigNode backendNode)
        {
            var generated = new List<ApiOperation>();
            var taken = operations.Select(o => (o.Method, o.Template.Shape)).ToHashSet();
            if (allowCors)
            {
                foreach (IGrouping<string, ApiOperation> group in operations.GroupBy(o => o.Template.Shape))
                {
                    if (taken.Add(("OPTIONS", group.Key)))
                    {
                        ApiOperation first = group.First();
                        generated.Add(new ApiOperation("OPTIONS", first.Template, "CORS_" + first.OperationId, KeyRequirement.None, [], first.Backend, isAutoGenerated: true));
                    }
                }
            }

            if (allowAll)
            {
                if (topBackend is null)
                {
                    if (backendNode.Node is null)
                    {
                        root.TryGet("x-google-allow", out ConfigNode allow);
                        diagnostics.Error(allow, "x-google-allow: all needs a top-level x-google-backend to send unrecognised calls to, " + CompileOptions.DefaultBackendHint);
                    }

                    return generated;
                }

                PathTemplate catchAll = PathTemplate.TryParse("/**", out _)!;
                BackendRule appendBackend = topBackend with { Translation = PathTranslation.AppendPathToAddress };
                foreach (string method in s_allowAllMethods)
                {
                    if (taken.Add((method, catchAll.Shape)))
                    {
                        string id = $"Google_Autogenerated_Unrecognized_{method[0]}{method[1..].ToLowerInvariant()}_Method_Call";
                        generated.Add(new ApiOperation(method, catchAll, id, KeyRequirement.None, [], appendBackend, isAutoGenerated: true));
                    }
                }
            }

            return generated;
        }

        private static string GeneratedId(string method, PathTemplate template)
        {
            var id = new StringBuilder(method.ToLowerInvariant());
            foreach (TemplateSegment segment in template.Segments)
            {
                id.Append('_').Append(segment.Text ?? (segment.Kind == SegmentKind.Single ? "any" : "all"));
            }

            return id.ToString();
        }
    }

    private readonly record struct KeyRule(AuthRequirement Requirement, IReadOnlyList<KeyLocation> Locations, bool Ok);
}
