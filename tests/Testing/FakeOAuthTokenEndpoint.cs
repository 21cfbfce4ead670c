using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Portcullis.Testing;

/// <summary>
/// Google's OAuth 2.0 token endpoint (<c>https://oauth2.googleapis.com/token</c>) for one service
/// account, on loopback: the JWT-bearer grant of a service-account key file
/// (<c>grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer</c>, <c>assertion</c> = an RS256 JWT
/// signed with the account's private key, <c>iss</c> the account's email, <c>aud</c> Google's token URL).
/// An assertion with a <c>target_audience</c> claim gets <c>{"id_token": …}</c> for that audience
/// (signed by this endpoint; <see cref="TryValidateIdToken"/>); one with a <c>scope</c> claim gets
/// <c>{"access_token", "expires_in", "token_type"}</c>. A bad grant, signature, issuer or audience
/// gets 400 <c>{"error": "invalid_grant", "error_description": …}</c>, as Google answers.
/// </summary>
public sealed class FakeOAuthTokenEndpoint : IAsyncDisposable
{
    /// <summary>The service account's email, <c>client_email</c> of <see cref="KeyFileJson"/>.</summary>
    public const string ServiceAccountEmail = "portcullis-key@test-project.iam.gserviceaccount.com";

    private const string JwtBearer = "urn:ietf:params:oauth:grant-type:jwt-bearer";

    // "aud: The value is always https://oauth2.googleapis.com/token" (Google's service-account OAuth
    // documentation); clients may also name the token_uri they post to.
    private const string GoogleTokenAudience = "https://oauth2.googleapis.com/token";
    private readonly RSA _accountKey = RSA.Create(2048);
    private readonly IdTokenSigner _signer = new();
    private readonly ConcurrentQueue<string> _grants = new();
    private readonly ConcurrentQueue<string> _refusals = new();
    private WebApplication _app = null!;

    private FakeOAuthTokenEndpoint()
    {
    }

    /// <summary>http://127.0.0.1:PORT</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The token URI: <c>BaseAddress/token</c>.</summary>
    public Uri TokenUri => new(BaseAddress, "/token");

    /// <summary>What each accepted grant was for, in order: <c>id_token:AUDIENCE</c> or <c>access_token:SCOPE</c>.</summary>
    public IReadOnlyList<string> Grants => [.. _grants];

    /// <summary>Why each refused request was refused (<c>error: error_description</c>), in order.</summary>
    public IReadOnlyList<string> Refusals => [.. _refusals];

    public static async Task<FakeOAuthTokenEndpoint> StartAsync()
    {
        var endpoint = new FakeOAuthTokenEndpoint();
        (endpoint._app, endpoint.BaseAddress) = await LoopbackHost.StartAsync(endpoint.HandleAsync).ConfigureAwait(false);
        return endpoint;
    }

    /// <summary>
    /// A service-account key file (the JSON <c>gcloud iam service-accounts keys create</c> writes) whose
    /// <c>token_uri</c> is this endpoint: what <c>GOOGLE_APPLICATION_CREDENTIALS</c> names.
    /// </summary>
    public string KeyFileJson() => JsonSerializer.Serialize(new Dictionary<string, string>
    {
        ["type"] = "service_account",
        ["project_id"] = "test-project",
        ["private_key_id"] = "fake-key-1",
        ["private_key"] = _accountKey.ExportPkcs8PrivateKeyPem(),
        ["client_email"] = ServiceAccountEmail,
        ["client_id"] = IdTokenSigner.Subject,
        ["auth_uri"] = "https://accounts.google.com/o/oauth2/auth",
        ["token_uri"] = TokenUri.ToString(),
    });

    /// <summary>Whether <paramref name="jwt"/> is an ID token this endpoint issued for <paramref name="expectedAudience"/>.</summary>
    public bool TryValidateIdToken(string jwt, string expectedAudience, out string? error) =>
        _signer.TryValidate(jwt, expectedAudience, out error);

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync().ConfigureAwait(false);
        _signer.Dispose();
        _accountKey.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        if (context.Request.Path != "/token" || !HttpMethods.IsPost(context.Request.Method) || !context.Request.HasFormContentType)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        IFormCollection form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
        if (form["grant_type"] != JwtBearer)
        {
            await RefuseAsync(context, "unsupported_grant_type", "Invalid grant_type: " + form["grant_type"]).ConfigureAwait(false);
            return;
        }

        if (ReadAssertion(form["assertion"].ToString(), out string? problem) is not { } claims)
        {
            await RefuseAsync(context, "invalid_grant", problem!).ConfigureAwait(false);
            return;
        }

        object answer;
        if (claims.TryGetValue("target_audience", out JsonElement audience) && audience.ValueKind == JsonValueKind.String)
        {
            _grants.Enqueue("id_token:" + audience.GetString());
            answer = new Dictionary<string, string>
            {
                ["id_token"] = _signer.Sign(audience.GetString()!, ServiceAccountEmail, TimeSpan.FromHours(1), "https://accounts.google.com"),
            };
        }
        else if (claims.TryGetValue("scope", out JsonElement scope) && scope.ValueKind == JsonValueKind.String)
        {
            _grants.Enqueue("access_token:" + scope.GetString());
            answer = new Dictionary<string, object>
            {
                ["access_token"] = "ya29.fake-" + Guid.NewGuid().ToString("N"),
                ["expires_in"] = 3599,
                ["token_type"] = "Bearer",
            };
        }
        else
        {
            await RefuseAsync(context, "invalid_scope", "Invalid OAuth scope or ID token audience provided.").ConfigureAwait(false);
            return;
        }

        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync(JsonSerializer.Serialize(answer), context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>The assertion's claims when it is an RS256 JWT of this account for this endpoint, in date.</summary>
    private Dictionary<string, JsonElement>? ReadAssertion(string assertion, out string? problem)
    {
        problem = null;
        string[] parts = assertion.Split('.');
        if (parts.Length != 3 || !Base64Url.TryDecode(parts[0], out byte[] header) || !Base64Url.TryDecode(parts[1], out byte[] payload)
            || !Base64Url.TryDecode(parts[2], out byte[] signature))
        {
            problem = "Invalid JWT: not three base64url segments.";
            return null;
        }

        if (!_accountKey.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
        {
            problem = "Invalid JWT Signature.";
            return null;
        }

        Dictionary<string, JsonElement>? head;
        Dictionary<string, JsonElement>? claims;
        try
        {
            head = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(header);
            claims = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(payload);
        }
        catch (JsonException)
        {
            problem = "Invalid JWT: not JSON.";
            return null;
        }

        long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        if (head is null || claims is null || !head.TryGetValue("alg", out JsonElement alg) || alg.GetString() != "RS256")
        {
            problem = "Invalid JWT: header must name RS256.";
        }
        else if (!claims.TryGetValue("iss", out JsonElement iss) || iss.GetString() != ServiceAccountEmail)
        {
            problem = "Invalid JWT: issuer is not the service account.";
        }
        else if (!claims.TryGetValue("aud", out JsonElement aud) || (aud.GetString() != GoogleTokenAudience && aud.GetString() != TokenUri.ToString()))
        {
            problem = "Invalid JWT: Failed audience check.";
        }
        else if (!claims.TryGetValue("exp", out JsonElement exp) || !exp.TryGetInt64(out long expires) || expires < now
            || !claims.TryGetValue("iat", out JsonElement iat) || !iat.TryGetInt64(out long issued) || issued > now + 60)
        {
            problem = "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe.";
        }

        return problem is null ? claims : null;
    }

    private async Task RefuseAsync(HttpContext context, string error, string description)
    {
        _refusals.Enqueue(error + ": " + description);
        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync(
            JsonSerializer.Serialize(new Dictionary<string, string> { ["error"] = error, ["error_description"] = description }),
            context.RequestAborted).ConfigureAwait(false);
    }
}
