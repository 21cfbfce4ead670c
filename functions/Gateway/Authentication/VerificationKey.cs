using Microsoft.IdentityModel.Tokens;
using NSec.Cryptography;

namespace Portcullis.Gateway.Authentication;

/// <summary>
/// One public key of an issuer, ready to check signatures. The maths is a library's: RSA and
/// ECDSA through Microsoft.IdentityModel.Tokens' signature providers (the platform's crypto
/// underneath), Ed25519 through NSec (libsodium), as IdentityModel has no EdDSA.
/// </summary>
internal sealed class VerificationKey
{
    private readonly SecurityKey? _key;
    private readonly PublicKey? _ed25519;

    private VerificationKey(string? keyId, string? algorithm, string family, string? curve, SecurityKey? key, PublicKey? ed25519)
    {
        KeyId = keyId;
        Algorithm = algorithm;
        Family = family;
        Curve = curve;
        _key = key;
        _ed25519 = ed25519;
    }

    public string? KeyId { get; }

    /// <summary>The JWK's <c>alg</c>, when it names one; a token's <c>alg</c> must then equal it.</summary>
    public string? Algorithm { get; }

    /// <summary><c>RSA</c>, <c>EC</c> or <c>OKP</c>.</summary>
    public string Family { get; }

    /// <summary>For EC and OKP: <c>P-256</c>, <c>P-384</c>, <c>P-521</c>, <c>Ed25519</c>.</summary>
    public string? Curve { get; }

    public static VerificationKey Rsa(string? keyId, string? algorithm, SecurityKey key) => new(keyId, algorithm, "RSA", null, key, null);

    public static VerificationKey Ec(string? keyId, string? algorithm, string curve, SecurityKey key) => new(keyId, algorithm, "EC", curve, key, null);

    public static VerificationKey Ed25519(string? keyId, string? algorithm, byte[] publicKey) =>
        new(keyId, algorithm, "OKP", "Ed25519", null, PublicKey.Import(SignatureAlgorithm.Ed25519, publicKey, KeyBlobFormat.RawPublicKey));

    /// <summary>Whether this key can check a token signed with <paramref name="algorithm"/> (family and curve).</summary>
    public bool Suits(string algorithm) => algorithm switch
    {
        "RS256" or "RS384" or "RS512" or "PS256" or "PS384" or "PS512" => Family == "RSA",
        "ES256" => Family == "EC" && Curve == "P-256",
        "ES384" => Family == "EC" && Curve == "P-384",
        "ES512" => Family == "EC" && Curve == "P-521",
        "EdDSA" => Family == "OKP" && Curve == "Ed25519",

        // HS*: a key published in a JWKS is public; a shared secret there would let anyone sign.
        _ => false,
    };

    /// <summary>Checks <paramref name="signature"/> over <paramref name="signed"/>; false for any failure.</summary>
    public bool Verify(string algorithm, byte[] signed, byte[] signature)
    {
        if (_ed25519 is not null)
        {
            return SignatureAlgorithm.Ed25519.Verify(_ed25519, signed, signature);
        }

        CryptoProviderFactory factory = CryptoProviderFactory.Default;
        SignatureProvider provider;
        try
        {
            provider = factory.CreateForVerifying(_key, algorithm);
        }
        catch (Exception e) when (e is NotSupportedException or ArgumentException or InvalidOperationException or System.Security.Cryptography.CryptographicException)
        {
            return false;
        }

        try
        {
            return provider.Verify(signed, signature);
        }
        catch (Exception e) when (e is ArgumentException or System.Security.Cryptography.CryptographicException)
        {
            return false;
        }
        finally
        {
            factory.ReleaseSignatureProvider(provider);
        }
    }
}
