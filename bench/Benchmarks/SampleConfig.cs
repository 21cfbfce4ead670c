using Portcullis.PolicyEngine.Compilation;
using Portcullis.PolicyEngine.Policy;

namespace Portcullis.Benchmarks;

/// <summary>A realistic config of about 40 operations for the hot-path benchmarks.</summary>
internal static class SampleConfig
{
    public static ApiPolicy Compile()
    {
        var yaml = new System.Text.StringBuilder("""
            swagger: "2.0"
            info: { title: Bench, version: "1" }
            x-google-backend: { address: "http://127.0.0.1:8081" }
            securityDefinitions:
              api_key: { type: apiKey, name: key, in: query }
            security:
              - api_key: []
            paths:

            """);
        foreach (string resource in new[] { "shelves", "books", "authors", "orders", "customers", "invoices", "reviews", "stores" })
        {
            yaml.Append($$"""
                  /v1/{{resource}}:
                    get: { operationId: list_{{resource}} }
                    post: { operationId: create_{{resource}} }
                  /v1/{{resource}}/{id}:
                    get: { operationId: get_{{resource}} }
                    delete: { operationId: delete_{{resource}} }
                  /v1/{{resource}}/{id}/items/{item}:
                    get: { operationId: item_{{resource}} }

                """);
        }

        yaml.Append("""
              /v1/files/{path=**}:
                get: { operationId: files }

            """);
        CompileResult result = PolicyCompiler.Compile(yaml.ToString());
        return result.Policy ?? throw new InvalidOperationException(string.Join("\n", result.Diagnostics));
    }
}
