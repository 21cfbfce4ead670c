using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;

namespace Portcullis.Gateway.Authentication;

/// <summary>
/// An issuer's public keys, read from a JWKS document (<c>{"keys": [...]}</c>: RSA, EC P-256/384/521,
/// OKP Ed25519) or from Google's x509 certificate map (<c>{"kid": "-----BEGIN CERTIFICATE-----…"}</c>,
/// every key RSA, the map key the <c>kid</c>), as jwt_verify_lib reads them (<c>jwks.cc</c>):
/// invalid entries are skipped, a document with no usable key is refused. <c>oct</c> (symmetric)
/// keys are always skipped: a secret published at a URL is no secret.
/// </summary>
internal sealed class KeySet
{
    private KeySet(IReadOnlyList<VerificationKey> keys) => Keys = keys;

    public IReadOnlyList<VerificationKey> Keys { get; }

    /// <summary>Parses <paramref name="json"/>; null when it holds no usable key.</summary>
    public static KeySet? TryParse(string json)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(json);
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var keys = new List<VerificationKey>();
            if (root.TryGetProperty("keys", out JsonElement array))
            {
                if (array.ValueKind != JsonValueKind.Array)
                {
                    return null;
                }

                foreach (JsonElement jwk in array.EnumerateArray())
                {
                    if (jwk.ValueKind == JsonValueKind.Object && FromJwk(jwk) is { } key)
                    {
                        keys.Add(key);
                    }
                }
            }
            else
            {
                foreach (JsonProperty entry in root.EnumerateObject())
                {
                    if (entry.Value.ValueKind == JsonValueKind.String && FromPem(entry.Name, entry.Value.GetString()!) is { } key)
                    {
                        keys.Add(key);
                    }
                }
            }

            return keys.Count == 0 ? null : new KeySet(keys);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public bool HasKeyId(string keyId)
    {
        foreach (VerificationKey key in Keys)
        {
            if (key.KeyId == keyId)
            {
                return true;
            }
        }

        return false;
    }

    private static VerificationKey? FromJwk(JsonElement element)
    {
        string? kty = String(element, "kty");
        string? kid = String(element, "kid");
        string? alg = String(element, "alg");
        try
        {
            switch (kty)
            {
                case "RSA":
                {
                    JsonWebKey jwk = JsonWebKey.Create(element.GetRawText());
                    return JsonWebKeyConverter.TryConvertToSecurityKey(jwk, out SecurityKey key) && key is RsaSecurityKey or X509SecurityKey
                        ? VerificationKey.Rsa(kid, alg, key)
                        : null;
                }

                case "EC":
                {
                    string? crv = String(element, "crv");
                    if (crv is not ("P-256" or "P-384" or "P-521"))
                    {
                        return null;
                    }

                    JsonWebKey jwk = JsonWebKey.Create(element.GetRawText());
                    return JsonWebKeyConverter.TryConvertToSecurityKey(jwk, out SecurityKey key) && key is ECDsaSecurityKey
                        ? VerificationKey.Ec(kid, alg, crv, key)
                        : null;
                }

                case "OKP" when String(element, "crv") == "Ed25519" && String(element, "x") is { } x && ParsedJwt.TryDecode(x, out byte[] raw) && raw.Length == 32:
                    return VerificationKey.Ed25519(kid, alg, raw);

                default:
                    return null;
            }
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException or FormatException or InvalidOperationException or JsonException)
        {
            return null;
        }
    }

    private static VerificationKey? FromPem(string kid, string pem)
    {
        try
        {
            using X509Certificate2 certificate = X509Certificate2.CreateFromPem(pem);
            RSA? rsa = certificate.GetRSAPublicKey();
            return rsa is null ? null : VerificationKey.Rsa(kid, null, new RsaSecurityKey(rsa) { KeyId = kid });
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            return null;
        }
    }

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
