namespace Portcullis.Gateway.Authentication;

/// <summary>
/// Envoy's jwt_authn texts, exactly (jwt_verify_lib <c>status.cc</c>), so clients that match on
/// them keep working. Every failure is 401 except <see cref="AudienceNotAllowed"/> (403).
/// </summary>
internal static class JwtMessages
{
    public const string Missing = "Jwt is missing";
    public const string BadFormat = "Jwt is not in the form of Header.Payload.Signature with two dots and 3 sections";
    public const string HeaderBadBase64 = "Jwt header is an invalid Base64url encoded";
    public const string HeaderBadJson = "Jwt header is an invalid JSON";
    public const string AlgMissing = "Jwt header [alg] field is required and must be a string";
    public const string AlgNotSupported = "Jwt header [alg] is not supported";
    public const string KidNotString = "Jwt header [kid] field is not a string";
    public const string PayloadBadBase64 = "Jwt payload is an invalid Base64url encoded";
    public const string PayloadBadJson = "Jwt payload is an invalid JSON";
    public const string AudNotStringOrList = "Jwt payload [aud] field is not a string or string list";
    public const string SignatureBadBase64 = "Jwt signature is an invalid Base64url encoded";
    public const string UnknownIssuer = "Jwt issuer is not configured";
    public const string NotYetValid = "Jwt not yet valid";
    public const string Expired = "Jwt is expired";
    public const string AudienceNotAllowed = "Audiences in Jwt are not allowed";
    public const string JwksFetchFailed = "Jwks remote fetch is failed";
    public const string NoMatchingKey = "Jwks doesn't have key to match kid or alg from Jwt";
    public const string VerificationFailed = "Jwt verification fails";

    public static string NotString(string claim) => $"Jwt payload [{claim}] field is not a string";

    public static string NotInteger(string claim) => $"Jwt payload [{claim}] field is not an integer";

    public static string NotPositive(string claim) => $"Jwt payload [{claim}] field is not a positive 64 bit integer";
}
