using Google.Apis.Auth;

namespace Portcullis.ConfigDeployer.Auth;

/// <summary>
/// Who is calling: a Google ID token in <c>Authorization</c>, verified with Google.Apis.Auth
/// (RS256 signature against <c>PORTCULLIS_JWKS_URL</c>, Google issuer, audience
/// <c>PORTCULLIS_AUDIENCE</c>, expiry), whose verified email is in <c>PORTCULLIS_DEPLOYERS</c>.
/// </summary>
internal sealed class CallerVerifier(DeployerOptions options)
{
    private readonly SignedTokenVerificationOptions _verification = CreateVerification(options);

    public async Task<CallerCheck> VerifyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        string header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || header.Length <= 7)
        {
            return CallerCheck.Unauthenticated("a Google ID token is required in 'Authorization: Bearer …'");
        }

        GoogleJsonWebSignature.Payload payload;
        try
        {
            payload = await JsonWebSignature.VerifySignedTokenAsync<GoogleJsonWebSignature.Payload>(header[7..].Trim(), _verification, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidJwtException e)
        {
            return CallerCheck.Unauthenticated("the ID token is not valid: " + e.Message);
        }

        if (payload.Email is not { Length: > 0 } email || payload.EmailVerified != true)
        {
            return CallerCheck.Unauthenticated("the ID token carries no verified email (mint it with format=full / --include-email)");
        }

        return options.Deployers.Contains(email)
            ? CallerCheck.Allowed(email)
            : CallerCheck.Forbidden(email);
    }

    private static SignedTokenVerificationOptions CreateVerification(DeployerOptions options)
    {
        var verification = new SignedTokenVerificationOptions
        {
            CertificatesUrl = options.JwksUrl,
            IssuedAtClockTolerance = TimeSpan.FromSeconds(30),
            ExpiryClockTolerance = TimeSpan.FromSeconds(30),
        };
        verification.TrustedIssuers.Add("https://accounts.google.com");
        verification.TrustedIssuers.Add("accounts.google.com");
        verification.TrustedAudiences.Add(options.Audience);
        return verification;
    }
}
