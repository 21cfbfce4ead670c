using System.Buffers.Text;
using System.Text.Json;

namespace Portcullis.Gateway.Authentication;

/// <summary>
/// A JWT split and decoded in jwt_verify_lib's order (<c>jwt.cc</c>), each malformation answered
/// with its Envoy text. Structure only: nothing here is trusted until the signature verifies.
/// </summary>
internal sealed class ParsedJwt
{
    private static readonly HashSet<string> s_algorithms = new(StringComparer.Ordinal)
    {
        "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "HS256", "HS384", "HS512", "EdDSA",
    };

    private ParsedJwt(string token, string algorithm, string? keyId, JwtClaims claims, byte[] signature, int signedLength)
    {
        Token = token;
        Algorithm = algorithm;
        KeyId = keyId;
        Claims = claims;
        Signature = signature;
        SignedLength = signedLength;
    }

    public string Token { get; }

    public string Algorithm { get; }

    public string? KeyId { get; }

    public JwtClaims Claims { get; }

    public byte[] Signature { get; }

    /// <summary>Length of <c>header.payload</c>, the signed input.</summary>
    public int SignedLength { get; }

    public static ParsedJwt? TryParse(string token, out string? error)
    {
        int first = token.IndexOf('.', StringComparison.Ordinal);
        int second = first < 0 ? -1 : token.IndexOf('.', first + 1);
        if (first < 0 || second < 0 || token.IndexOf('.', second + 1) >= 0)
        {
            error = JwtMessages.BadFormat;
            return null;
        }

        ReadOnlySpan<char> headerText = token.AsSpan(0, first);
        ReadOnlySpan<char> payloadText = token.AsSpan(first + 1, second - first - 1);
        ReadOnlySpan<char> signatureText = token.AsSpan(second + 1);

        if (!TryDecode(headerText, out byte[] header))
        {
            error = JwtMessages.HeaderBadBase64;
            return null;
        }

        string algorithm;
        string? keyId = null;
        try
        {
            using JsonDocument document = JsonDocument.Parse(header);
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                error = JwtMessages.HeaderBadJson;
                return null;
            }

            if (!root.TryGetProperty("alg", out JsonElement alg) || alg.ValueKind != JsonValueKind.String)
            {
                error = JwtMessages.AlgMissing;
                return null;
            }

            algorithm = alg.GetString()!;
            if (!s_algorithms.Contains(algorithm))
            {
                error = JwtMessages.AlgNotSupported;
                return null;
            }

            if (root.TryGetProperty("kid", out JsonElement kid))
            {
                if (kid.ValueKind != JsonValueKind.String)
                {
                    error = JwtMessages.KidNotString;
                    return null;
                }

                keyId = kid.GetString();
            }
        }
        catch (JsonException)
        {
            error = JwtMessages.HeaderBadJson;
            return null;
        }

        if (!TryDecode(payloadText, out byte[] payload))
        {
            error = JwtMessages.PayloadBadBase64;
            return null;
        }

        JwtClaims? claims = JwtClaims.TryParse(payload, payloadText.ToString(), out error);
        if (claims is null)
        {
            return null;
        }

        if (!TryDecode(signatureText, out byte[] signature))
        {
            error = JwtMessages.SignatureBadBase64;
            return null;
        }

        error = null;
        return new ParsedJwt(token, algorithm, keyId, claims, signature, second);
    }

    internal static bool TryDecode(ReadOnlySpan<char> text, out byte[] bytes)
    {
        bytes = [];
        if (text.IsEmpty)
        {
            return true;
        }

        if (!Base64Url.IsValid(text, out int length))
        {
            return false;
        }

        bytes = new byte[length];
        return Base64Url.TryDecodeFromChars(text, bytes, out int written) && written == length;
    }
}
