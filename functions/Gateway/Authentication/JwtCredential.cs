using System.Text;

namespace Portcullis.Gateway.Authentication;

/// <summary>
/// ESPv2's Service Control credential id for a call authenticated by a JWT and no key
/// (<c>request_builder.cc</c> set_credential_id): <c>jwtauth:issuer=BASE64URL(iss)</c>, plus
/// <c>&amp;audience=BASE64URL(aud)</c> when <c>aud</c> is a single string.
/// </summary>
internal static class JwtCredential
{
    public static string Id(JwtClaims claims)
    {
        string id = "jwtauth:issuer=" + Encode(claims.Issuer ?? "");
        return claims.SingleAudience ? id + "&audience=" + Encode(claims.Audiences[0]) : id;
    }

    private static string Encode(string value) => System.Buffers.Text.Base64Url.EncodeToString(Encoding.UTF8.GetBytes(value));
}
