namespace Portcullis.PolicyEngine.Policy;

/// <summary>
/// A caller-JWT issuer, compiled from a <c>type: oauth2</c> scheme with <c>x-google-issuer</c>
/// (Swagger 2.0) or a scheme with <c>x-google-auth</c> (OpenAPI 3).
/// </summary>
public sealed class JwtProvider
{
    /// <summary>Creates a provider; the compiler is the only caller outside tests.</summary>
    public JwtProvider(string id, string issuer, Uri? jwksUri, Uri? discoveryUri, IReadOnlyList<string> audiences, IReadOnlyList<JwtLocation> locations)
    {
        Id = id;
        Issuer = issuer;
        JwksUri = jwksUri;
        DiscoveryUri = discoveryUri;
        Audiences = audiences;
        Locations = locations;
        NormalizedAudiences = [.. audiences.Select(Audience.Normalize).Distinct(StringComparer.Ordinal)];
    }

    /// <summary>The security scheme's name (ESPv2's provider id).</summary>
    public string Id { get; }

    /// <summary>Must equal the token's <c>iss</c> exactly (case-sensitive; a trailing <c>/</c> matters).</summary>
    public string Issuer { get; }

    /// <summary>JWKS or Google x509 certificate map; null: found by OpenID discovery at <see cref="DiscoveryUri"/>.</summary>
    public Uri? JwksUri { get; }

    /// <summary>The OpenID configuration document read when <see cref="JwksUri"/> is null.</summary>
    public Uri? DiscoveryUri { get; }

    /// <summary>The audiences as configured; any one match accepts a token. Empty: <c>aud</c> is not checked.</summary>
    public IReadOnlyList<string> Audiences { get; }

    /// <summary><see cref="Audiences"/> without scheme and trailing slash, as they are compared.</summary>
    public IReadOnlyList<string> NormalizedAudiences { get; }

    /// <summary>Where tokens are looked for; every location that is present yields a token.</summary>
    public IReadOnlyList<JwtLocation> Locations { get; }

    /// <summary>Where the keys come from, for messages and diffs.</summary>
    public string KeySource => JwksUri?.ToString() ?? $"discovery at {DiscoveryUri}";

    /// <inheritdoc />
    public override string ToString() => $"{Id} (issuer {Issuer})";
}
