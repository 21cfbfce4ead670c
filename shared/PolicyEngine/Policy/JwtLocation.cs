namespace Portcullis.PolicyEngine.Policy;

/// <summary>
/// One place a caller JWT may be found: a header (with a case-sensitive value prefix, searched
/// for anywhere in the value, as Envoy's extractor does) or a query parameter.
/// </summary>
/// <param name="Kind">Header or query.</param>
/// <param name="Name">Header name (case-insensitive) or query parameter name.</param>
/// <param name="Prefix">For a header: the prefix before the token (<c>Bearer </c>); empty takes the whole value.</param>
public sealed record JwtLocation(KeyLocationKind Kind, string Name, string Prefix = "")
{
    /// <summary>ESPv2's defaults: <c>Authorization: Bearer </c>, <c>X-Goog-Iap-Jwt-Assertion</c>, query <c>access_token</c>.</summary>
    public static readonly IReadOnlyList<JwtLocation> Defaults =
    [
        new(KeyLocationKind.Header, "Authorization", "Bearer "),
        new(KeyLocationKind.Header, "X-Goog-Iap-Jwt-Assertion"),
        new(KeyLocationKind.Query, "access_token"),
    ];

    /// <inheritdoc />
    public override string ToString() => Kind == KeyLocationKind.Query
        ? $"query '{Name}'"
        : Prefix.Length == 0 ? $"header '{Name}'" : $"header '{Name}' after '{Prefix}'";
}
