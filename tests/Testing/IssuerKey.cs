using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using NSec.Cryptography;

namespace Portcullis.Testing;

/// <summary>One signing key of the <see cref="FakeIssuer"/>: RSA, EC (P-256/384/521) or Ed25519, generated locally.</summary>
public sealed class IssuerKey : IDisposable
{
    private readonly RSA? _rsa;
    private readonly ECDsa? _ec;
    private readonly Key? _ed25519;

    private IssuerKey(string algorithm, string keyId, RSA? rsa, ECDsa? ec, Key? ed25519)
    {
        Algorithm = algorithm;
        KeyId = keyId;
        _rsa = rsa;
        _ec = ec;
        _ed25519 = ed25519;
    }

    /// <summary>The JWS <c>alg</c> this key signs with.</summary>
    public string Algorithm { get; }

    public string KeyId { get; }

    /// <summary>Whether the JWK carries <c>alg</c> (some issuers leave it out).</summary>
    public bool PublishAlgorithm { get; init; } = true;

    /// <summary>An RSA 2048 key for RS256/384/512 or PS256/384/512.</summary>
    public static IssuerKey Rsa(string algorithm = "RS256", string? keyId = null) =>
        new(algorithm, keyId ?? NewId(), RSA.Create(2048), null, null);

    /// <summary>An EC key on the curve <paramref name="algorithm"/> needs (ES256: P-256, ES384: P-384, ES512: P-521).</summary>
    public static IssuerKey Ec(string algorithm = "ES256", string? keyId = null)
    {
        ECCurve curve = algorithm switch
        {
            "ES384" => ECCurve.NamedCurves.nistP384,
            "ES512" => ECCurve.NamedCurves.nistP521,
            _ => ECCurve.NamedCurves.nistP256,
        };
        return new(algorithm, keyId ?? NewId(), null, ECDsa.Create(curve), null);
    }

    /// <summary>An Ed25519 key (EdDSA).</summary>
    public static IssuerKey Ed25519(string? keyId = null) =>
        new("EdDSA", keyId ?? NewId(), null, null, Key.Create(SignatureAlgorithm.Ed25519, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.None }));

    /// <summary>Signs <paramref name="input"/> with <paramref name="algorithm"/> (default: this key's).</summary>
    public byte[] Sign(byte[] input, string? algorithm = null)
    {
        algorithm ??= Algorithm;
        HashAlgorithmName hash = algorithm[2..] switch
        {
            "384" => HashAlgorithmName.SHA384,
            "512" => HashAlgorithmName.SHA512,
            _ => HashAlgorithmName.SHA256,
        };
        if (_ed25519 is not null)
        {
            return SignatureAlgorithm.Ed25519.Sign(_ed25519, input);
        }

        if (_ec is not null)
        {
            return _ec.SignData(input, hash, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        }

        return _rsa!.SignData(input, hash, algorithm.StartsWith("PS", StringComparison.Ordinal) ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1);
    }

    /// <summary>The public key as a JWK object.</summary>
    public Dictionary<string, string> Jwk()
    {
        var jwk = new Dictionary<string, string> { ["kid"] = KeyId, ["use"] = "sig" };
        if (PublishAlgorithm)
        {
            jwk["alg"] = Algorithm;
        }

        if (_rsa is not null)
        {
            RSAParameters p = _rsa.ExportParameters(false);
            jwk["kty"] = "RSA";
            jwk["n"] = Base64Url.Encode(p.Modulus);
            jwk["e"] = Base64Url.Encode(p.Exponent);
        }
        else if (_ec is not null)
        {
            ECParameters p = _ec.ExportParameters(false);
            jwk["kty"] = "EC";
            jwk["crv"] = Algorithm switch { "ES384" => "P-384", "ES512" => "P-521", _ => "P-256" };
            jwk["x"] = Base64Url.Encode(p.Q.X);
            jwk["y"] = Base64Url.Encode(p.Q.Y);
        }
        else
        {
            jwk["kty"] = "OKP";
            jwk["crv"] = "Ed25519";
            jwk["x"] = Base64Url.Encode(_ed25519!.PublicKey.Export(KeyBlobFormat.RawPublicKey));
        }

        return jwk;
    }

    /// <summary>For an RSA key: a self-signed certificate in PEM, as Google's x509 map publishes it.</summary>
    public string CertificatePem()
    {
        var request = new CertificateRequest("CN=fake-issuer", _rsa ?? throw new InvalidOperationException("x509 maps hold RSA keys"), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using X509Certificate2 certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return certificate.ExportCertificatePem();
    }

    public void Dispose()
    {
        _rsa?.Dispose();
        _ec?.Dispose();
        _ed25519?.Dispose();
    }

    private static string NewId() => Guid.NewGuid().ToString("N")[..12];
}
