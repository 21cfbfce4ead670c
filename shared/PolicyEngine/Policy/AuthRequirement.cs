namespace Portcullis.PolicyEngine.Policy;

/// <summary>
/// An operation's authentication, as OpenAPI combines schemes: a list of alternatives (OR), each
/// an AND of schemes (<see cref="AuthAlternative"/>). Compiled once per operation; the gateway's
/// authentication step evaluates it. Beyond ESPv2, an API key and a JWT may be offered as two
/// alternatives (<c>[{jwt: []}, {api_key: []}]</c>): either passes, and every credential a request
/// carries for the operation must verify (see docs/jwt.md).
/// </summary>
public sealed class AuthRequirement
{
    /// <summary>Checks nothing: <c>security: []</c>, no security at all, or a generated route.</summary>
    public static readonly AuthRequirement None = new([]);

    /// <summary>Creates a requirement from its alternatives, in the order the config lists them.</summary>
    public AuthRequirement(IReadOnlyList<AuthAlternative> alternatives)
    {
        Alternatives = alternatives;
        Providers = [.. alternatives.Where(a => a.Jwt is not null).Select(a => a.Jwt!).Distinct()];
        AllowsAnonymous = alternatives.Any(a => a.IsAnonymous);
        UsesKey = alternatives.Any(a => a.Key);
        HasKeyOnlyAlternative = alternatives.Any(a => a.Key && a.Jwt is null);
        AlwaysNeedsJwt = alternatives.Count > 0 && alternatives.All(a => a.Jwt is not null);
        ChecksNothing = alternatives.All(a => a.IsAnonymous);
        KeyRequirement = !UsesKey ? KeyRequirement.None
            : alternatives.All(a => a.Key) ? KeyRequirement.Required
            : KeyRequirement.Optional;
    }

    /// <summary>The alternatives; any one satisfied lets the call through.</summary>
    public IReadOnlyList<AuthAlternative> Alternatives { get; }

    /// <summary>Every JWT provider named by an alternative, once each, in order.</summary>
    public IReadOnlyList<JwtProvider> Providers { get; }

    /// <summary>An empty requirement <c>{}</c> is one of the alternatives.</summary>
    public bool AllowsAnonymous { get; }

    /// <summary>Some alternative needs an API key, so a key that is sent is checked.</summary>
    public bool UsesKey { get; }

    /// <summary>Some alternative is satisfied by an API key alone.</summary>
    public bool HasKeyOnlyAlternative { get; }

    /// <summary>Every alternative needs a JWT: a request without one is refused before any key is read.</summary>
    public bool AlwaysNeedsJwt { get; }

    /// <summary>Nothing is checked, even a credential that is sent.</summary>
    public bool ChecksNothing { get; }

    /// <summary>The API-key part alone, as the key-only model had it (and diffs report it).</summary>
    public KeyRequirement KeyRequirement { get; }

    /// <summary>Builds the requirement of the key-only model.</summary>
    public static AuthRequirement FromKeyRequirement(KeyRequirement requirement) => requirement switch
    {
        KeyRequirement.Required => new([new AuthAlternative(null, Key: true)]),
        KeyRequirement.Optional => new([new AuthAlternative(null, Key: true), new AuthAlternative(null, Key: false)]),
        _ => None,
    };

    /// <summary>Whether an alternative is met by the verified JWT provider (or none) and key.</summary>
    public bool IsSatisfied(JwtProvider? verifiedJwt, bool keyVerified)
    {
        for (int i = 0; i < Alternatives.Count; i++)
        {
            AuthAlternative alternative = Alternatives[i];
            if ((alternative.Jwt is null || ReferenceEquals(alternative.Jwt, verifiedJwt)) && (!alternative.Key || keyVerified))
            {
                return true;
            }
        }

        return Alternatives.Count == 0;
    }

    /// <inheritdoc />
    public override string ToString() => Alternatives.Count == 0 ? "none" : string.Join(" or ", Alternatives);
}
