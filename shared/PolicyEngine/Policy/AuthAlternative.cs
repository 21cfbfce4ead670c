namespace Portcullis.PolicyEngine.Policy;

/// <summary>
/// One requirement object of an OpenAPI <c>security</c> list: an AND of schemes. At most one JWT
/// provider (an AND of two is refused by the compiler, as ESPv2 documents it unsupported) and
/// possibly an API key. Both null/false is the empty requirement <c>{}</c>: anonymous calls pass.
/// </summary>
/// <param name="Jwt">The JWT provider this alternative needs, or null.</param>
/// <param name="Key">Whether this alternative needs an API key (checked after the JWT).</param>
public sealed record AuthAlternative(JwtProvider? Jwt, bool Key)
{
    /// <summary>The empty requirement <c>{}</c>.</summary>
    public bool IsAnonymous => Jwt is null && !Key;

    /// <inheritdoc />
    public override string ToString() => (Jwt, Key) switch
    {
        (null, false) => "anonymous",
        (null, true) => "API key",
        ({ } jwt, false) => $"JWT from {jwt.Issuer}",
        ({ } jwt, true) => $"JWT from {jwt.Issuer} and API key",
    };
}
