using System.Text;

namespace Portcullis.Testing;

/// <summary>
/// The API the bypass fuzzer attacks: public (<c>security: []</c>) and protected operations that
/// share prefixes, wildcard templates with a protected operation below a public <c>**</c>, a
/// method-dependent security, and a custom header key. Every operation has its own backend path
/// (<c>/op/{operationId}</c>) so the echo backend tells which operation a forwarded request was checked as.
/// </summary>
public static class BypassApi
{
    /// <summary>The consumer of the valid key in the keyring the fuzzer's gateway uses.</summary>
    public const string Consumer = "acme";

    /// <summary>The custom header key location of <c>listPartners</c>.</summary>
    public const string PartnerHeader = "X-Partner-Key";

    public static IReadOnlyList<BypassOperation> Operations { get; } =
    [
        new("GET", "/public/{x}", "publicOne", false),
        new("GET", "/public/{rest=**}", "publicRest", false),
        new("GET", "/public/{rest=**}/admin", "publicAdmin", true),
        new("GET", "/docs/{p=**}", "docs", false),
        new("GET", "/items", "listItems", true),
        new("GET", "/items/{id}", "getItem", true),
        new("DELETE", "/items/{id}", "deleteItem", true),
        new("GET", "/items/{id}/secret", "getSecret", true),
        new("GET", "/admin/**", "adminGet", true),
        new("POST", "/admin/**", "adminPost", true),
        new("GET", "/status", "getStatus", false),
        new("POST", "/status", "setStatus", true),
        new("GET", "/users/{id}/profile", "getProfile", false),
        new("GET", "/users/{id}/keys", "getUserKeys", true),
        new("GET", "/partners", "listPartners", true, PartnerHeader),
    ];

    /// <summary>Swagger 2.0 for <see cref="Operations"/>; backends at <paramref name="backend"/> (scheme://host:port).</summary>
    public static string Config(string backend)
    {
        var yaml = new StringBuilder("""
            swagger: "2.0"
            info: { title: Bypass, version: "1" }
            securityDefinitions:
              api_key: { type: apiKey, name: key, in: query }
              partner_key: { type: apiKey, name: X-Partner-Key, in: header }
            security:
              - api_key: []
            paths:

            """);
        foreach (IGrouping<string, BypassOperation> path in Operations.GroupBy(o => o.Template))
        {
            yaml.Append("  ").Append(path.Key).Append(":\n");
            foreach (BypassOperation operation in path)
            {
                yaml.Append("    ").Append(operation.Method.ToLowerInvariant()).Append(":\n");
                yaml.Append("      operationId: ").Append(operation.OperationId).Append('\n');
                yaml.Append("      security: ").Append(operation switch
                {
                    { Protected: false } => "[]",
                    { HeaderKey: not null } => "[{ partner_key: [] }]",
                    _ => "[{ api_key: [] }]",
                }).Append('\n');
                yaml.Append("      x-google-backend: { address: \"").Append(backend).Append(operation.BackendPrefix)
                    .Append("\", path_translation: APPEND_PATH_TO_ADDRESS, disable_auth: true }\n");
                yaml.Append("      responses: { \"200\": { description: OK } }\n");
            }
        }

        return yaml.ToString();
    }

    /// <summary>The operation whose backend prefix starts <paramref name="backendPath"/>, and the rest of the path.</summary>
    public static BypassOperation? FromBackendPath(string backendPath, out string forwardedPath)
    {
        forwardedPath = "";
        foreach (BypassOperation operation in Operations)
        {
            string prefix = operation.BackendPrefix;
            if (backendPath.StartsWith(prefix, StringComparison.Ordinal)
                && (backendPath.Length == prefix.Length || backendPath[prefix.Length] == '/'))
            {
                forwardedPath = backendPath[prefix.Length..];
                return operation;
            }
        }

        return null;
    }
}
