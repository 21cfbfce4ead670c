using System.Text.Json;

namespace Portcullis.Gateway.Authentication;

/// <summary>The claims the gateway reads from a JWT payload, type-checked as jwt_verify_lib does.</summary>
internal sealed class JwtClaims
{
    private JwtClaims(string payloadSegment, string? issuer, string? subject, IReadOnlyList<string> audiences, long? notBefore, long? expires)
    {
        PayloadSegment = payloadSegment;
        Issuer = issuer;
        Subject = subject;
        Audiences = audiences;
        NotBefore = notBefore;
        Expires = expires;
    }

    /// <summary>The payload exactly as received (base64url, no padding): the userinfo header's value.</summary>
    public string PayloadSegment { get; }

    public string? Issuer { get; }

    public string? Subject { get; }

    /// <summary><c>aud</c> as a list (a single string becomes one entry); empty when absent.</summary>
    public IReadOnlyList<string> Audiences { get; }

    /// <summary>Whether <c>aud</c> was one string (ESPv2 then adds it to the Service Control credential id).</summary>
    public bool SingleAudience { get; private init; }

    public long? NotBefore { get; }

    public long? Expires { get; }

    public static JwtClaims? TryParse(byte[] payload, string payloadSegment, out string? error)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(payload);
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                error = JwtMessages.PayloadBadJson;
                return null;
            }

            if (!TryString(root, "iss", out string? issuer, out error)
                || !TryString(root, "sub", out string? subject, out error)
                || !TryString(root, "jti", out _, out error)
                || !TryTime(root, "exp", out long? expires, out error)
                || !TryTime(root, "iat", out _, out error)
                || !TryTime(root, "nbf", out long? notBefore, out error))
            {
                return null;
            }

            IReadOnlyList<string> audiences = [];
            bool single = false;
            if (root.TryGetProperty("aud", out JsonElement aud))
            {
                if (aud.ValueKind == JsonValueKind.String)
                {
                    audiences = [aud.GetString()!];
                    single = true;
                }
                else if (aud.ValueKind == JsonValueKind.Array && aud.EnumerateArray().All(a => a.ValueKind == JsonValueKind.String))
                {
                    audiences = [.. aud.EnumerateArray().Select(a => a.GetString()!)];
                }
                else
                {
                    error = JwtMessages.AudNotStringOrList;
                    return null;
                }
            }

            error = null;
            return new JwtClaims(payloadSegment, issuer, subject, audiences, notBefore, expires) { SingleAudience = single };
        }
        catch (JsonException)
        {
            error = JwtMessages.PayloadBadJson;
            return null;
        }
    }

    private static bool TryString(JsonElement root, string name, out string? value, out string? error)
    {
        value = null;
        error = null;
        if (!root.TryGetProperty(name, out JsonElement element))
        {
            return true;
        }

        if (element.ValueKind != JsonValueKind.String)
        {
            error = JwtMessages.NotString(name);
            return false;
        }

        value = element.GetString();
        return true;
    }

    private static bool TryTime(JsonElement root, string name, out long? value, out string? error)
    {
        value = null;
        error = null;
        if (!root.TryGetProperty(name, out JsonElement element))
        {
            return true;
        }

        if (element.ValueKind != JsonValueKind.Number)
        {
            error = JwtMessages.NotInteger(name);
            return false;
        }

        if (!element.TryGetInt64(out long seconds) || seconds < 0)
        {
            error = JwtMessages.NotPositive(name);
            return false;
        }

        value = seconds;
        return true;
    }
}
