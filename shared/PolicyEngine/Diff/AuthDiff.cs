using Portcullis.PolicyEngine.Policy;

namespace Portcullis.PolicyEngine.Diff;

/// <summary>
/// Compares an operation's authentication before and after, when JWTs are involved. It is a
/// downgrade unless every alternative the new config accepts is at least as strict as one the
/// old config accepted: so removing a JWT, offering a new issuer, changing an issuer or its key
/// URL, or widening (or dropping) its audiences each needs the override.
/// </summary>
internal static class AuthDiff
{
    public static ConfigChange? Compare(string operation, AuthRequirement before, AuthRequirement after)
    {
        if (before.Providers.Count == 0 && after.Providers.Count == 0)
        {
            return null;
        }

        var weaker = new List<string>();
        foreach (AuthAlternative alternative in after.Alternatives.Count == 0 ? [new AuthAlternative(null, false)] : after.Alternatives)
        {
            IEnumerable<AuthAlternative> old = before.Alternatives.Count == 0 ? [new AuthAlternative(null, false)] : before.Alternatives;
            if (!old.Any(o => AtLeastAsStrict(alternative, o)))
            {
                weaker.Add(alternative.IsAnonymous ? "calls without credentials" : alternative.ToString() + Audiences(alternative.Jwt));
            }
        }

        bool same = weaker.Count == 0 && before.Alternatives.Count == after.Alternatives.Count
            && before.Alternatives.Zip(after.Alternatives).All(p => AtLeastAsStrict(p.First, p.Second) && AtLeastAsStrict(p.Second, p.First));
        if (same)
        {
            return null;
        }

        string detail = $"authentication {before} → {after}";
        return weaker.Count == 0
            ? new ConfigChange(ChangeKind.Changed, operation, detail, IsDowngrade: false)
            : new ConfigChange(ChangeKind.Changed, operation, $"{detail}: now accepts {string.Join(", ", weaker)}", IsDowngrade: true);
    }

    // Whether a call that satisfies `candidate` necessarily satisfied `reference` before.
    private static bool AtLeastAsStrict(AuthAlternative candidate, AuthAlternative reference) =>
        (!reference.Key || candidate.Key)
        && (reference.Jwt is null || (candidate.Jwt is not null && AtLeastAsStrict(candidate.Jwt, reference.Jwt)));

    private static bool AtLeastAsStrict(JwtProvider candidate, JwtProvider reference) =>
        candidate.Issuer == reference.Issuer
        && candidate.KeySource == reference.KeySource
        && (reference.NormalizedAudiences.Count == 0
            || (candidate.NormalizedAudiences.Count > 0 && candidate.NormalizedAudiences.All(a => reference.NormalizedAudiences.Contains(a))));

    private static string Audiences(JwtProvider? provider) =>
        provider is null ? "" : provider.Audiences.Count == 0 ? " (any audience)" : $" (audiences {string.Join(", ", provider.Audiences)})";
}
