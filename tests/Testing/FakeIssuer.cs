using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Portcullis.Testing;

/// <summary>
/// A JWT issuer on loopback, speaking the documented shapes: <c>/jwks</c> (a JWKS, RFC 7517),
/// <c>/x509</c> (Google's <c>{kid: PEM}</c> certificate map), <c>/.well-known/openid-configuration</c>
/// (OpenID Connect Discovery, pointing at <c>/jwks</c>). Its keys can be rotated, and an outage
/// (503) or a malformed document switched on, to test refresh and failure. Tokens it mints are
/// signed with its keys by the platform's crypto (NSec for Ed25519).
/// </summary>
public sealed class FakeIssuer : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, int> _fetches = new(StringComparer.Ordinal);
    private WebApplication _app = null!;
    private volatile IReadOnlyList<IssuerKey> _published = [];

    private FakeIssuer()
    {
    }

    /// <summary><c>http://127.0.0.1:PORT</c> (no trailing slash): also the default issuer string.</summary>
    public string Url { get; private set; } = "";

    public string JwksUrl => Url + "/jwks";

    public string X509Url => Url + "/x509";

    /// <summary>The key tokens are signed with by default (the first published).</summary>
    public IssuerKey Key => _published[0];

    /// <summary>When set, every document answers 503.</summary>
    public bool Outage { get; set; }

    /// <summary>When set, every document answers 200 with a body that is not a key set.</summary>
    public bool Malformed { get; set; }

    /// <summary>While set and not completed, every request waits for it (an issuer that is slow to answer).</summary>
    public TaskCompletionSource? Hold { get; set; }

    /// <summary>How many times <paramref name="path"/> was fetched.</summary>
    public int Fetches(string path) => _fetches.TryGetValue(path, out int n) ? n : 0;

    /// <summary>Starts an issuer publishing <paramref name="keys"/> (default: one RSA key).</summary>
    public static async Task<FakeIssuer> StartAsync(params IssuerKey[] keys)
    {
        var issuer = new FakeIssuer { _published = keys.Length == 0 ? [IssuerKey.Rsa()] : keys };
        Uri address;
        (issuer._app, address) = await LoopbackHost.StartAsync(issuer.HandleAsync).ConfigureAwait(false);
        issuer.Url = address.GetLeftPart(UriPartial.Authority);
        return issuer;
    }

    /// <summary>Replaces the published keys (a rotation); tokens are then signed with the first.</summary>
    public void Publish(params IssuerKey[] keys) => _published = keys;

    /// <summary>A payload with the usual claims; <paramref name="lifetime"/> from now sets <c>exp</c>.</summary>
    public Dictionary<string, object?> Claims(string? audience, string subject = "alice", TimeSpan? lifetime = null, string? issuer = null)
    {
        long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var claims = new Dictionary<string, object?>
        {
            ["iss"] = issuer ?? Url,
            ["sub"] = subject,
            ["iat"] = now,
            ["exp"] = now + (long)(lifetime ?? TimeSpan.FromMinutes(10)).TotalSeconds,
        };
        if (audience is not null)
        {
            claims["aud"] = audience;
        }

        return claims;
    }

    /// <summary>Mints a token for <paramref name="audience"/> signed with <see cref="Key"/>.</summary>
    public string Token(string? audience, string subject = "alice", string? issuer = null) => Sign(Claims(audience, subject, issuer: issuer));

    /// <summary>Signs <paramref name="payload"/>; <paramref name="key"/> defaults to <see cref="Key"/>, the header to its alg and kid.</summary>
    public string Sign(IDictionary<string, object?> payload, IssuerKey? key = null, IDictionary<string, object?>? header = null)
    {
        key ??= Key;
        header ??= new Dictionary<string, object?> { ["alg"] = key.Algorithm, ["kid"] = key.KeyId, ["typ"] = "JWT" };
        string input = Base64Url.Encode(JsonSerializer.SerializeToUtf8Bytes(header)) + "." + Base64Url.Encode(JsonSerializer.SerializeToUtf8Bytes(payload));
        string? alg = header.TryGetValue("alg", out object? a) ? a as string : null;
        byte[] signature = alg is null or "none" ? [] : key.Sign(Encoding.ASCII.GetBytes(input), alg == "EdDSA" ? null : alg);
        return input + "." + Base64Url.Encode(signature);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync().ConfigureAwait(false);
        foreach (IssuerKey key in _published)
        {
            key.Dispose();
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        string path = context.Request.Path.Value ?? "/";
        _fetches.AddOrUpdate(path, 1, (_, n) => n + 1);
        if (Hold is { } hold)
        {
            await hold.Task.ConfigureAwait(false);
        }

        if (Outage)
        {
            context.Response.StatusCode = 503;
            return;
        }

        context.Response.ContentType = "application/json";
        if (Malformed)
        {
            await context.Response.WriteAsync("{\"keys\": \"not a list\"}").ConfigureAwait(false);
            return;
        }

        IReadOnlyList<IssuerKey> keys = _published;
        object? body = path switch
        {
            "/jwks" => new Dictionary<string, object> { ["keys"] = keys.Select(k => k.Jwk()).ToArray() },
            "/x509" => keys.Where(k => k.Algorithm.StartsWith("RS", StringComparison.Ordinal)).ToDictionary(k => k.KeyId, k => k.CertificatePem()),
            "/.well-known/openid-configuration" => new Dictionary<string, string> { ["issuer"] = Url, ["jwks_uri"] = JwksUrl },
            _ => null,
        };
        if (body is null)
        {
            context.Response.StatusCode = 404;
            return;
        }

        await context.Response.WriteAsync(JsonSerializer.Serialize(body)).ConfigureAwait(false);
    }
}
