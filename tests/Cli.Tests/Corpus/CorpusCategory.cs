namespace Portcullis.Cli.Tests.Corpus;

/// <summary>
/// The reason category of one <c>portcullis validate</c> error line, for the corpus manifest. Each
/// category is a refusal Google also makes or a documented deviation (docs/cloud-endpoints.md).
/// </summary>
internal static class CorpusCategory
{
    private static readonly (string Needle, string Category)[] s_rules =
    [
        ("has no backend", "no-backend"),
        ("backend has no 'address'", "no-backend"),
        ("is not an apiKey scheme", "jwt"),
        ("oauth2", "jwt"),
        ("x-google-issuer", "jwt"),
        ("gRPC backends are not supported", "grpc-backend"),
        ("must be a string URL", "address-placeholder"),
        ("is not an absolute URL", "address-placeholder"),
        ("partial-segment", "partial-segment"),
        ("which is not defined; the method would be left unauthenticated", "undefined-scheme"),
        ("not valid YAML or JSON", "yaml"),
        ("matches the same requests as", "duplicate-route"),
        ("basePath", "base-path"),
        ("in OpenAPI 3, x-google-backend is the name of a backend", "oas3-backend-object"),
    ];

    /// <summary>The category of an error line; <c>other</c> when no rule knows it (the test then fails and prints it).</summary>
    public static string Of(string errorLine)
    {
        foreach ((string needle, string category) in s_rules)
        {
            if (errorLine.Contains(needle, StringComparison.OrdinalIgnoreCase))
            {
                return category;
            }
        }

        return "other";
    }
}
