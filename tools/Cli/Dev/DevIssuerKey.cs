using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Portcullis.Cli.Dev;

/// <summary>
/// The local issuer's RSA signing key, kept in <c>.portcullis/dev-issuer.pem</c> (owner-only) so that
/// <c>portcullis token</c> and <c>portcullis dev</c>, two processes, share it. For local development
/// only: anyone who can read the file can mint tokens the dev config accepts.
/// </summary>
internal sealed class DevIssuerKey : IDisposable
{
    public const string DefaultPath = ".portcullis/dev-issuer.pem";

    /// <summary>The issuer the sample config names (<c>x-google-issuer</c>): this dev issuer on its default port.</summary>
    public const string DefaultIssuer = "http://localhost:8090";

    public const string DefaultAudience = "portcullis-dev";

    private readonly RSA _rsa;

    private DevIssuerKey(RSA rsa)
    {
        _rsa = rsa;
        KeyId = Convert.ToHexStringLower(SHA256.HashData(rsa.ExportSubjectPublicKeyInfo()))[..16];
    }

    /// <summary>Derived from the public key, so both processes agree on it.</summary>
    public string KeyId { get; }

    public static DevIssuerKey LoadOrCreate(string path)
    {
        var rsa = RSA.Create();
        if (File.Exists(path))
        {
            rsa.ImportFromPem(File.ReadAllText(path));
            return new DevIssuerKey(rsa);
        }

        rsa.KeySize = 2048;
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, rsa.ExportPkcs8PrivateKeyPem());
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        return new DevIssuerKey(rsa);
    }

    /// <summary>The public key as a JWKS document.</summary>
    public string JwksJson()
    {
        RSAParameters p = _rsa.ExportParameters(false);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartArray("keys");
            json.WriteStartObject();
            json.WriteString("kty", "RSA");
            json.WriteString("alg", "RS256");
            json.WriteString("use", "sig");
            json.WriteString("kid", KeyId);
            json.WriteString("n", System.Buffers.Text.Base64Url.EncodeToString(p.Modulus));
            json.WriteString("e", System.Buffers.Text.Base64Url.EncodeToString(p.Exponent));
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Mints an RS256 token with <c>iss</c>, <c>sub</c>, <c>aud</c>, <c>iat</c>, <c>exp</c> and any extra string claims.</summary>
    public string Mint(string issuer, string subject, IReadOnlyList<string> audiences, DateTimeOffset now, TimeSpan lifetime, IReadOnlyDictionary<string, string> claims)
    {
        string header = Segment(json =>
        {
            json.WriteString("alg", "RS256");
            json.WriteString("kid", KeyId);
            json.WriteString("typ", "JWT");
        });
        string payload = Segment(json =>
        {
            json.WriteString("iss", issuer);
            json.WriteString("sub", subject);
            if (audiences.Count == 1)
            {
                json.WriteString("aud", audiences[0]);
            }
            else if (audiences.Count > 1)
            {
                json.WriteStartArray("aud");
                foreach (string audience in audiences)
                {
                    json.WriteStringValue(audience);
                }

                json.WriteEndArray();
            }

            json.WriteNumber("iat", now.ToUnixTimeSeconds());
            json.WriteNumber("exp", (now + lifetime).ToUnixTimeSeconds());
            foreach ((string name, string value) in claims)
            {
                json.WriteString(name, value);
            }
        });
        string input = header + "." + payload;
        byte[] signature = _rsa.SignData(Encoding.ASCII.GetBytes(input), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return input + "." + System.Buffers.Text.Base64Url.EncodeToString(signature);
    }

    public void Dispose() => _rsa.Dispose();

    private static string Segment(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            write(json);
            json.WriteEndObject();
        }

        return System.Buffers.Text.Base64Url.EncodeToString(buffer.ToArray());
    }
}
