using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text;
using Portcullis.PolicyEngine.Policy;

namespace Portcullis.Gateway.Authentication;

/// <summary>
/// Checks one token for one provider in ESPv2's order (extract → parse → <c>iss</c> →
/// <c>nbf</c>/<c>exp</c> ±60 s → <c>aud</c> → key → signature) and answers with Envoy's texts.
/// Verified tokens are kept in a bounded per-provider cache: a hit skips the parse and the
/// signature but still checks issuer, time and audience (as Envoy's cache does).
/// </summary>
internal sealed class JwtVerifier(JwksCache keys, JwtOptions options, TimeProvider time)
{
    /// <summary>jwt_verify_lib's fixed clock skew (<c>kClockSkewInSecond</c>); ESPv2 sets no other.</summary>
    public const long ClockSkewSeconds = 60;

    private readonly ConditionalWeakTable<JwtProvider, ConcurrentDictionary<string, JwtClaims>> _verified = [];

    public ValueTask<(JwtClaims? Claims, JwtFailure Failure)> VerifyAsync(JwtProvider provider, string token, CancellationToken cancellationToken)
    {
        ConcurrentDictionary<string, JwtClaims>? cache = options.CacheSize > 0 ? _verified.GetValue(provider, static _ => new(StringComparer.Ordinal)) : null;
        if (cache is not null && cache.TryGetValue(token, out JwtClaims? known))
        {
            JwtFailure? stale = CheckClaims(provider, known);
            return new(stale is { } f ? (null, f) : (known, default));
        }

        ParsedJwt? jwt = ParsedJwt.TryParse(token, out string? error);
        if (jwt is null)
        {
            return new((null, new JwtFailure(error!)));
        }

        if (CheckClaims(provider, jwt.Claims) is { } failure)
        {
            return new((null, failure));
        }

        return VerifySignatureAsync(provider, jwt, cache, cancellationToken);
    }

    private JwtFailure? CheckClaims(JwtProvider provider, JwtClaims claims)
    {
        if (!string.Equals(claims.Issuer, provider.Issuer, StringComparison.Ordinal))
        {
            return JwtFailure.UnknownIssuer;
        }

        long now = time.GetUtcNow().ToUnixTimeSeconds();
        if (claims.NotBefore is { } nbf && nbf > now + ClockSkewSeconds)
        {
            return new JwtFailure(JwtMessages.NotYetValid);
        }

        if (claims.Expires is { } exp && now > exp + ClockSkewSeconds)
        {
            return new JwtFailure(JwtMessages.Expired);
        }

        if (provider.NormalizedAudiences.Count > 0 && !AudienceAllowed(claims.Audiences, provider.NormalizedAudiences))
        {
            return new JwtFailure(JwtMessages.AudienceNotAllowed, 403);
        }

        return null;
    }

    private static bool AudienceAllowed(IReadOnlyList<string> audiences, IReadOnlyList<string> allowed)
    {
        for (int i = 0; i < audiences.Count; i++)
        {
            if (Audience.Matches(audiences[i], allowed))
            {
                return true;
            }
        }

        return false;
    }

    private async ValueTask<(JwtClaims? Claims, JwtFailure Failure)> VerifySignatureAsync(
        JwtProvider provider,
        ParsedJwt jwt,
        ConcurrentDictionary<string, JwtClaims>? cache,
        CancellationToken cancellationToken)
    {
        KeySet? set = await keys.GetAsync(provider, cancellationToken).ConfigureAwait(false);
        if (set is null)
        {
            return (null, new JwtFailure(JwtMessages.JwksFetchFailed));
        }

        // Better than Envoy: an unknown kid is most often a key rotated in since the last fetch.
        if (jwt.KeyId is { } kid && !set.HasKeyId(kid) && await keys.RefetchForUnknownKidAsync(provider, cancellationToken).ConfigureAwait(false) is { } fresh)
        {
            set = fresh;
        }

        byte[] signed = Encoding.ASCII.GetBytes(jwt.Token, 0, jwt.SignedLength);
        bool anyCandidate = false;
        foreach (VerificationKey key in set.Keys)
        {
            if ((jwt.KeyId is not null && key.KeyId is not null && jwt.KeyId != key.KeyId)
                || (key.Algorithm is not null && key.Algorithm != jwt.Algorithm)
                || !key.Suits(jwt.Algorithm))
            {
                continue;
            }

            anyCandidate = true;
            if (key.Verify(jwt.Algorithm, signed, jwt.Signature))
            {
                if (cache is not null)
                {
                    if (cache.Count >= options.CacheSize)
                    {
                        // Bounded: start over rather than track recency on the hot path.
                        cache.Clear();
                    }

                    cache[jwt.Token] = jwt.Claims;
                }

                return (jwt.Claims, default);
            }
        }

        return (null, new JwtFailure(anyCandidate ? JwtMessages.VerificationFailed : JwtMessages.NoMatchingKey));
    }
}
