using Portcullis.PolicyEngine.Yaml;

namespace Portcullis.PolicyEngine.Compilation;

/// <summary>
/// The prefix Google puts in front of every path of a config before it routes:
/// <list type="bullet">
/// <item>Swagger 2.0: <c>basePath</c>, unless it is empty or <c>/</c>. Google's OpenAPI converter
/// (googleapis/api-compiler, <c>HttpRuleGenerator</c>) builds each HTTP rule as
/// <c>basePath + path</c>; ESPv2 only ever sees the joined template, so the prefix is matched and,
/// with <c>APPEND_PATH_TO_ADDRESS</c>, forwarded like the rest of the path.</item>
/// <item>OpenAPI 3: the path of the one <c>servers[]</c> entry that carries <c>x-google-endpoint</c>
/// (a relative URL is a base path on its own); other servers are ignored, as API Gateway and
/// Cloud Endpoints document.</item>
/// </list>
/// See docs/cloud-endpoints.md for the sources.
/// </summary>
internal static class BasePathReader
{
    /// <summary>The prefix ("" for none); problems are reported to <paramref name="diagnostics"/>.</summary>
    public static string Read(ConfigNode root, bool openApi3, DiagnosticBag diagnostics) =>
        openApi3 ? ReadServers(root, diagnostics) : ReadBasePath(root, diagnostics);

    private static string ReadBasePath(ConfigNode root, DiagnosticBag diagnostics)
    {
        if (!root.TryGet("basePath", out ConfigNode node) || node.IsNull)
        {
            return "";
        }

        return node.Scalar is { } text ? Check(text, node, "basePath", diagnostics) : Invalid(node, "basePath must be a string such as /v1", diagnostics);
    }

    private static string ReadServers(ConfigNode root, DiagnosticBag diagnostics)
    {
        if (!root.TryGet("servers", out ConfigNode servers))
        {
            return "";
        }

        ConfigNode? endpoint = null;
        foreach (ConfigNode server in servers.Items())
        {
            if (!server.TryGet("x-google-endpoint", out _))
            {
                continue;
            }

            if (endpoint is { } first)
            {
                // Google refuses this too: "permits only one such server".
                diagnostics.Error(server, $"only one server may carry x-google-endpoint; the first is at {first.Pointer} (line {first.Line})");
                continue;
            }

            endpoint = server;
        }

        if (endpoint is not { } chosen || !chosen.TryGet("url", out ConfigNode url) || url.Scalar is not { } text)
        {
            return "";
        }

        if (text.Contains('{', StringComparison.Ordinal))
        {
            return Invalid(url, $"server URL '{text}': server variables are not supported in the x-google-endpoint server; write the URL out", diagnostics);
        }

        string path = Uri.TryCreate(text, UriKind.Absolute, out Uri? absolute) && !string.IsNullOrEmpty(absolute.Host)
            ? absolute.AbsolutePath
            : text;
        return Check(path, url, "the x-google-endpoint server URL's path", diagnostics);
    }

    private static string Check(string path, ConfigNode node, string what, DiagnosticBag diagnostics)
    {
        if (path is "" or "/")
        {
            return "";
        }

        if (path[0] != '/')
        {
            return Invalid(node, $"{what} '{path}' must start with '/'", diagnostics);
        }

        if (path[^1] == '/')
        {
            // Google's converter would join "/v1/" and "/pets" into "/v1//pets", a path no normalized
            // request can take; say so instead of compiling routes that never match.
            return Invalid(node, $"{what} '{path}' must not end with '/' (Google joins it to every path as written, so '/v1/' + '/pets' would be '/v1//pets')", diagnostics);
        }

        if (path.Contains('?', StringComparison.Ordinal) || path.Contains('#', StringComparison.Ordinal) || path.Contains("//", StringComparison.Ordinal))
        {
            return Invalid(node, $"{what} '{path}' must be a plain path (no '?', '#' or '//')", diagnostics);
        }

        return path;
    }

    private static string Invalid(ConfigNode node, string message, DiagnosticBag diagnostics)
    {
        diagnostics.Error(node, message);
        return "";
    }
}
