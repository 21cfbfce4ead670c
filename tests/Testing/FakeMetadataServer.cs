using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Portcullis.Testing;

/// <summary>
/// The GCE / Cloud Run metadata server on loopback: liveness ping, access tokens, RS256 identity
/// tokens for any audience, and a JWKS to verify them. Every request must carry
/// <c>Metadata-Flavor: Google</c> and every answer does.
/// </summary>
public sealed class FakeMetadataServer : IAsyncDisposable
{
    /// <summary>The email in identity tokens.</summary>
    public const string ServiceAccountEmail = "portcullis-gateway@test-project.iam.gserviceaccount.com";

    private const string Prefix = "/computeMetadata/v1/";
    private static readonly SemaphoreSlim s_sharedLock = new(1, 1);
    private static FakeMetadataServer? s_shared;

    private readonly RSA _key = RSA.Create(2048);
    private readonly string _keyId = Guid.NewGuid().ToString("N");
    private readonly ConcurrentQueue<string> _identityRequests = new();
    private readonly ConcurrentDictionary<string, int> _failingAudiences = new(StringComparer.Ordinal);
    private WebApplication _app = null!;
    private int _accessTokenRequests;
    private volatile int _failEverything;

    private FakeMetadataServer()
    {
    }

    /// <summary><c>127.0.0.1:PORT</c>, the form <c>GCE_METADATA_HOST</c> takes.</summary>
    public string HostAndPort => BaseAddress.Authority;

    /// <summary>http://127.0.0.1:PORT</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Audiences identity tokens were asked for, in order.</summary>
    public IReadOnlyList<string> IdentityRequests => [.. _identityRequests];

    /// <summary>How many access tokens were handed out.</summary>
    public int AccessTokenRequests => _accessTokenRequests;

    /// <summary>Delay before answering an identity request.</summary>
    public TimeSpan IdentityDelay { get; set; }

    /// <summary>Starts a server of its own (tests that need the process-wide one use <see cref="GetSharedAsync"/>).</summary>
    public static async Task<FakeMetadataServer> StartAsync()
    {
        var server = new FakeMetadataServer();
        (server._app, server.BaseAddress) = await LoopbackHost.StartAsync(server.HandleAsync).ConfigureAwait(false);
        return server;
    }

    /// <summary>
    /// The one process-wide server. Creating it sets <c>GCE_METADATA_HOST</c>, which Google.Apis.Auth
    /// reads once per process, so every test of an assembly must share it.
    /// </summary>
    public static async Task<FakeMetadataServer> GetSharedAsync()
    {
        await s_sharedLock.WaitAsync().ConfigureAwait(false);
        try
        {
            if (s_shared is null)
            {
                s_shared = await StartAsync().ConfigureAwait(false);
                Environment.SetEnvironmentVariable("GCE_METADATA_HOST", s_shared.HostAndPort);
                Environment.SetEnvironmentVariable("GOOGLE_APPLICATION_CREDENTIALS", null);
            }

            return s_shared;
        }
        finally
        {
            s_sharedLock.Release();
        }
    }

    /// <summary>Identity requests for <paramref name="audience"/> answer <paramref name="statusCode"/>.</summary>
    public void FailIdentityFor(string audience, int statusCode = 500) => _failingAudiences[audience] = statusCode;

    /// <summary>Every request answers <paramref name="statusCode"/> until <see cref="Heal"/>.</summary>
    public void FailEverything(int statusCode) => _failEverything = statusCode;

    /// <summary>Undoes the failures.</summary>
    public void Heal()
    {
        _failEverything = 0;
        _failingAudiences.Clear();
    }

    /// <summary>Signs an ID token with this server's key (for tests of token verification).</summary>
    public string MintIdToken(string audience, string email, TimeSpan? lifetime = null, string issuer = "https://accounts.google.com")
    {
        long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        long exp = now + (long)(lifetime ?? TimeSpan.FromHours(1)).TotalSeconds;
        string header = JsonSerializer.Serialize(new Dictionary<string, string> { ["alg"] = "RS256", ["kid"] = _keyId, ["typ"] = "JWT" });
        string payload = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["iss"] = issuer,
            ["aud"] = audience,
            ["azp"] = "112233445566778899000",
            ["sub"] = "112233445566778899000",
            ["email"] = email,
            ["email_verified"] = true,
            ["iat"] = now,
            ["exp"] = exp,
        });
        string signingInput = Base64Url.Encode(Encoding.UTF8.GetBytes(header)) + "." + Base64Url.Encode(Encoding.UTF8.GetBytes(payload));
        byte[] signature = _key.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return signingInput + "." + Base64Url.Encode(signature);
    }

    /// <summary>Verifies signature, issuer, audience and expiry of a token this server made.</summary>
    public bool TryValidateIdToken(string jwt, string expectedAudience, out string? error)
    {
        error = null;
        string[] parts = jwt.Split('.');
        if (parts.Length != 3)
        {
            error = "not a JWT";
            return false;
        }

        if (!_key.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), Base64Url.Decode(parts[2]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
        {
            error = "bad signature";
            return false;
        }

        using JsonDocument payload = JsonDocument.Parse(Base64Url.Decode(parts[1]));
        JsonElement root = payload.RootElement;
        if (root.GetProperty("iss").GetString() != "https://accounts.google.com")
        {
            error = "wrong issuer";
        }
        else if (root.GetProperty("aud").GetString() != expectedAudience)
        {
            error = $"audience is {root.GetProperty("aud").GetString()}, expected {expectedAudience}";
        }
        else if (root.GetProperty("exp").GetInt64() <= DateTimeOffset.UtcNow.ToUnixTimeSeconds())
        {
            error = "expired";
        }

        return error is null;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync().ConfigureAwait(false);
        _key.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        HttpRequest request = context.Request;
        HttpResponse response = context.Response;
        string path = request.Path.Value ?? "/";
        if (path == "/jwks")
        {
            await WriteAsync(response, "application/json", Jwks()).ConfigureAwait(false);
            return;
        }

        response.Headers["Metadata-Flavor"] = "Google";
        if (request.Headers["Metadata-Flavor"] != "Google")
        {
            response.StatusCode = 403;
            return;
        }

        if (_failEverything != 0)
        {
            response.StatusCode = _failEverything;
            return;
        }

        switch (path)
        {
            case "/":
                await WriteAsync(response, "text/plain", "computeMetadata/").ConfigureAwait(false);
                return;
            case Prefix + "instance/service-accounts/default/token":
                Interlocked.Increment(ref _accessTokenRequests);
                await WriteAsync(response, "application/json", JsonSerializer.Serialize(new Dictionary<string, object>
                {
                    ["access_token"] = "ya29.fake-" + Guid.NewGuid().ToString("N"),
                    ["expires_in"] = 3599,
                    ["token_type"] = "Bearer",
                })).ConfigureAwait(false);
                return;
            case Prefix + "instance/service-accounts/default/identity":
                await IdentityAsync(context).ConfigureAwait(false);
                return;
            case Prefix + "instance/service-accounts/default/email":
                await WriteAsync(response, "text/plain", ServiceAccountEmail).ConfigureAwait(false);
                return;
            case Prefix + "universe/universe-domain":
                await WriteAsync(response, "text/plain", "googleapis.com").ConfigureAwait(false);
                return;
            case Prefix + "project/project-id":
                await WriteAsync(response, "text/plain", "test-project").ConfigureAwait(false);
                return;
            default:
                response.StatusCode = 404;
                return;
        }
    }

    private async Task IdentityAsync(HttpContext context)
    {
        string? audience = context.Request.Query["audience"];
        if (string.IsNullOrEmpty(audience))
        {
            context.Response.StatusCode = 400;
            return;
        }

        _identityRequests.Enqueue(audience);
        if (IdentityDelay > TimeSpan.Zero)
        {
            await Task.Delay(IdentityDelay, context.RequestAborted).ConfigureAwait(false);
        }

        if (_failingAudiences.TryGetValue(audience, out int status))
        {
            context.Response.StatusCode = status;
            return;
        }

        await WriteAsync(context.Response, "text/plain", MintIdToken(audience, ServiceAccountEmail)).ConfigureAwait(false);
    }

    private string Jwks()
    {
        RSAParameters parameters = _key.ExportParameters(false);
        return JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["keys"] = new[]
            {
                new Dictionary<string, string>
                {
                    ["kty"] = "RSA",
                    ["alg"] = "RS256",
                    ["use"] = "sig",
                    ["kid"] = _keyId,
                    ["n"] = Base64Url.Encode(parameters.Modulus),
                    ["e"] = Base64Url.Encode(parameters.Exponent),
                },
            },
        });
    }

    private static Task WriteAsync(HttpResponse response, string contentType, string body)
    {
        response.ContentType = contentType;
        response.Headers.ContentLength = Encoding.UTF8.GetByteCount(body);
        return response.WriteAsync(body);
    }
}
