namespace Portcullis.PolicyEngine.Policy;

/// <summary>One place an API key may be found.</summary>
public sealed record KeyLocation(KeyLocationKind Kind, string Name)
{
    /// <summary>ESPv2's default locations, in its order: query <c>key</c>, query <c>api_key</c>, header <c>x-api-key</c>.</summary>
    public static readonly IReadOnlyList<KeyLocation> Defaults =
    [
        new(KeyLocationKind.Query, "key"),
        new(KeyLocationKind.Query, "api_key"),
        new(KeyLocationKind.Header, "x-api-key"),
    ];

    /// <inheritdoc />
    public override string ToString() => $"{(Kind == KeyLocationKind.Query ? "query" : "header")} '{Name}'";
}
