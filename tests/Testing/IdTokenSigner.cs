using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Portcullis.Testing;

/// <summary>
/// One RSA 2048 key that signs Google-shaped RS256 ID tokens, checks them, and publishes itself as a
/// JWKS in the shape of https://www.googleapis.com/oauth2/v3/certs.
/// </summary>
internal sealed class IdTokenSigner : IDisposable
{
    /// <summary>Numeric, as Google's <c>sub</c> and <c>azp</c> for a service account are.</summary>
    public const string Subject = "112233445566778899000";

    // GoogleJsonWebSignature.ValidJwtIssuers accepts both spellings.
    private static readonly string[] s_googleIssuers = ["https://accounts.google.com", "accounts.google.com"];

    // GoogleJsonWebSignature.ValidationSettings.IssuedAtClockTolerance defaults to 30 s.
    private static readonly TimeSpan s_issuedAtTolerance = TimeSpan.FromSeconds(30);

    private readonly RSA _key = RSA.Create(2048);

    public string KeyId { get; } = Guid.NewGuid().ToString("N");

    /// <summary>Signs a token; without <paramref name="email"/> it has the claims of <c>format=standard</c>.</summary>
    public string Sign(string audience, string? email, TimeSpan lifetime, string issuer)
    {
        long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var claims = new Dictionary<string, object>
        {
            ["iss"] = issuer,
            ["aud"] = audience,
            ["azp"] = Subject,
            ["sub"] = Subject,
        };
        if (email is not null)
        {
            claims["email"] = email;
            claims["email_verified"] = true;
        }

        claims["iat"] = now;
        claims["exp"] = now + (long)lifetime.TotalSeconds;
        var header = new Dictionary<string, string> { ["alg"] = "RS256", ["kid"] = KeyId, ["typ"] = "JWT" };
        string signingInput = Base64Url.Encode(JsonSerializer.SerializeToUtf8Bytes(header))
            + "." + Base64Url.Encode(JsonSerializer.SerializeToUtf8Bytes(claims));
        byte[] signature = _key.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return signingInput + "." + Base64Url.Encode(signature);
    }

    /// <summary>Checks header, signature, issuer, audience, iat and exp; never throws on malformed input.</summary>
    public bool TryValidate(string jwt, string expectedAudience, out string? error)
    {
        error = Validate(jwt, expectedAudience);
        return error is null;
    }

    /// <summary>The public key as a JSON Web Key Set.</summary>
    public string JwksJson()
    {
        RSAParameters parameters = _key.ExportParameters(false);
        var key = new Dictionary<string, string>
        {
            ["kty"] = "RSA",
            ["alg"] = "RS256",
            ["use"] = "sig",
            ["kid"] = KeyId,
            ["n"] = Base64Url.Encode(parameters.Modulus),
            ["e"] = Base64Url.Encode(parameters.Exponent),
        };
        return JsonSerializer.Serialize(new Dictionary<string, object> { ["keys"] = new[] { key } });
    }

    public void Dispose() => _key.Dispose();

    private static bool AudienceMatches(JsonElement aud, string expected) => aud.ValueKind switch
    {
        JsonValueKind.String => aud.GetString() == expected,
        JsonValueKind.Array => aud.EnumerateArray().Any(a => a.ValueKind == JsonValueKind.String && a.GetString() == expected),
        _ => false,
    };

    private string? Validate(string jwt, string expectedAudience)
    {
        string[] parts = jwt.Split('.');
        if (parts.Length != 3
            || !Base64Url.TryDecode(parts[0], out byte[] headerBytes)
            || !Base64Url.TryDecode(parts[1], out byte[] payloadBytes)
            || !Base64Url.TryDecode(parts[2], out byte[] signature))
        {
            return "not a JWT";
        }

        try
        {
            using JsonDocument header = JsonDocument.Parse(headerBytes);
            using JsonDocument payload = JsonDocument.Parse(payloadBytes);
            return Validate(header.RootElement, payload.RootElement, parts[0] + "." + parts[1], signature, expectedAudience);
        }
        catch (JsonException)
        {
            return "header or payload is not JSON";
        }
    }

    private string? Validate(JsonElement header, JsonElement payload, string signingInput, byte[] signature, string expectedAudience)
    {
        if (header.ValueKind != JsonValueKind.Object || payload.ValueKind != JsonValueKind.Object)
        {
            return "header or payload is not a JSON object";
        }

        if (!header.TryGetProperty("alg", out JsonElement alg) || alg.ValueKind != JsonValueKind.String || alg.GetString() != "RS256")
        {
            return "alg is not RS256";
        }

        if (header.TryGetProperty("kid", out JsonElement kid) && (kid.ValueKind != JsonValueKind.String || kid.GetString() != KeyId))
        {
            return "unknown kid";
        }

        if (!_key.VerifyData(Encoding.ASCII.GetBytes(signingInput), signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
        {
            return "bad signature";
        }

        string? issuer = payload.TryGetProperty("iss", out JsonElement iss) && iss.ValueKind == JsonValueKind.String ? iss.GetString() : null;
        if (!s_googleIssuers.Contains(issuer))
        {
            return $"issuer is {issuer ?? "missing"}, expected https://accounts.google.com";
        }

        if (!payload.TryGetProperty("aud", out JsonElement aud) || !AudienceMatches(aud, expectedAudience))
        {
            return $"audience is {(aud.ValueKind == JsonValueKind.Undefined ? "missing" : aud.ToString())}, expected {expectedAudience}";
        }

        DateTimeOffset now = DateTimeOffset.UtcNow;
        if (!payload.TryGetProperty("exp", out JsonElement exp) || exp.ValueKind != JsonValueKind.Number || !exp.TryGetInt64(out long expSeconds))
        {
            return "exp is missing or not a number";
        }

        if (expSeconds <= now.ToUnixTimeSeconds())
        {
            return $"expired at {DateTimeOffset.FromUnixTimeSeconds(expSeconds):O}";
        }

        if (payload.TryGetProperty("iat", out JsonElement iat)
            && (iat.ValueKind != JsonValueKind.Number || !iat.TryGetInt64(out long iatSeconds) || iatSeconds > (now + s_issuedAtTolerance).ToUnixTimeSeconds()))
        {
            return "iat is not a number or in the future";
        }

        return null;
    }
}
