using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Portcullis.Testing;

/// <summary>
/// The GCE / Cloud Run metadata server on loopback: liveness ping, access tokens, RS256 identity
/// tokens for any audience, and a JWKS (<c>GET /jwks</c>) to verify them. Every request except
/// <c>/jwks</c> must carry <c>Metadata-Flavor: Google</c> (else 403), and every answer does.
/// </summary>
public sealed class FakeMetadataServer : IAsyncDisposable
{
    /// <summary>The email in identity tokens (<c>format=full</c>) and at <c>…/default/email</c>.</summary>
    public const string ServiceAccountEmail = "portcullis-gateway@test-project.iam.gserviceaccount.com";

    /// <summary>The project id at <c>…/project/project-id</c>.</summary>
    public const string ProjectId = "test-project";

    private const string Prefix = "/computeMetadata/v1/";
    private static readonly SemaphoreSlim s_sharedLock = new(1, 1);
    private static volatile FakeMetadataServer? s_shared;

    private readonly IdTokenSigner _signer = new();
    private readonly ConcurrentQueue<string> _identityRequests = new();
    private readonly ConcurrentDictionary<string, int> _failingAudiences = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (IdentityFault Fault, CancellationTokenSource Healed)> _faults = new(StringComparer.Ordinal);
    private WebApplication _app = null!;
    private int _accessTokenRequests;
    private volatile int _failEverything;
    private long _identityDelayTicks;

    private FakeMetadataServer()
    {
    }

    /// <summary><c>127.0.0.1:PORT</c>, the form <c>GCE_METADATA_HOST</c> takes.</summary>
    public string HostAndPort => BaseAddress.Authority;

    /// <summary>http://127.0.0.1:PORT</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Audiences identity tokens were asked for, in arrival order (failed and delayed ones too).</summary>
    public IReadOnlyList<string> IdentityRequests => [.. _identityRequests];

    /// <summary>How many access tokens were asked for.</summary>
    public int AccessTokenRequests => Volatile.Read(ref _accessTokenRequests);

    /// <summary>Delay before answering an identity request (cut short when the client goes away).</summary>
    public TimeSpan IdentityDelay
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _identityDelayTicks));
        set => Interlocked.Exchange(ref _identityDelayTicks, value.Ticks);
    }

    /// <summary>
    /// Starts a server of its own. It does not touch <c>GCE_METADATA_HOST</c>, so Google.Apis.Auth
    /// will not use it; for that see <see cref="GetSharedAsync"/>.
    /// </summary>
    public static async Task<FakeMetadataServer> StartAsync()
    {
        var server = new FakeMetadataServer();
        (server._app, server.BaseAddress) = await LoopbackHost.StartAsync(server.HandleAsync).ConfigureAwait(false);
        return server;
    }

    /// <summary>
    /// The one process-wide server. The first call starts it, sets <c>GCE_METADATA_HOST</c> to its
    /// <see cref="HostAndPort"/> and clears <c>GOOGLE_APPLICATION_CREDENTIALS</c> for this process.
    /// Google.Apis.Auth reads <c>GCE_METADATA_HOST</c> and caches its "running on GCE" probe once per
    /// process, so every test in a test assembly must use this same instance: call this before the
    /// first credential is created, never dispose it (<see cref="DisposeAsync"/> ignores it), and undo
    /// programmed failures with <see cref="Heal"/> or use an audience of the test's own.
    /// </summary>
    public static async Task<FakeMetadataServer> GetSharedAsync()
    {
        if (s_shared is { } existing)
        {
            return existing;
        }

        await s_sharedLock.WaitAsync().ConfigureAwait(false);
        try
        {
            if (s_shared is null)
            {
                FakeMetadataServer server = await StartAsync().ConfigureAwait(false);
                Environment.SetEnvironmentVariable("GCE_METADATA_HOST", server.HostAndPort);
                Environment.SetEnvironmentVariable("GOOGLE_APPLICATION_CREDENTIALS", null);
                s_shared = server;
            }

            return s_shared;
        }
        finally
        {
            s_sharedLock.Release();
        }
    }

    /// <summary>Identity requests for <paramref name="audience"/> answer <paramref name="statusCode"/> until <see cref="Heal"/>.</summary>
    public void FailIdentityFor(string audience, int statusCode = 500) => _failingAudiences[audience] = statusCode;

    /// <summary>
    /// Identity requests for <paramref name="audience"/> misbehave as <paramref name="fault"/> until
    /// <see cref="HealIdentityFor"/> or <see cref="Heal"/>. Scoped to one audience so that tests sharing
    /// the process-wide server do not disturb each other.
    /// </summary>
    public void SetIdentityFault(string audience, IdentityFault fault)
    {
        if (_faults.TryRemove(audience, out (IdentityFault, CancellationTokenSource Healed) old))
        {
            old.Healed.Cancel();
        }

        if (fault != IdentityFault.None)
        {
            _faults[audience] = (fault, new CancellationTokenSource());
        }
    }

    /// <summary>Undoes <see cref="FailIdentityFor"/> and <see cref="SetIdentityFault"/> for one audience; a hanging request then answers normally.</summary>
    public void HealIdentityFor(string audience)
    {
        _failingAudiences.TryRemove(audience, out _);
        SetIdentityFault(audience, IdentityFault.None);
    }

    /// <summary>Every metadata request answers <paramref name="statusCode"/> until <see cref="Heal"/> (not <c>/jwks</c>).</summary>
    public void FailEverything(int statusCode) => _failEverything = statusCode;

    /// <summary>Undoes <see cref="FailEverything"/>, <see cref="FailIdentityFor"/> and <see cref="IdentityDelay"/>.</summary>
    public void Heal()
    {
        _failEverything = 0;
        _failingAudiences.Clear();
        foreach (string audience in _faults.Keys)
        {
            SetIdentityFault(audience, IdentityFault.None);
        }

        IdentityDelay = TimeSpan.Zero;
    }

    /// <summary>
    /// Signs an ID token with this server's key, as the identity endpoint does with <c>format=full</c>
    /// (for tests of token verification: other emails, short lifetimes, wrong issuers).
    /// </summary>
    public string MintIdToken(string audience, string email, TimeSpan? lifetime = null, string issuer = "https://accounts.google.com") =>
        _signer.Sign(audience, email, lifetime ?? TimeSpan.FromHours(1), issuer);

    /// <summary>
    /// Verifies an RS256 token against this server's key: <c>alg</c> and <c>kid</c>, signature, a Google
    /// issuer, <paramref name="expectedAudience"/> and <c>exp</c>. Malformed input gives false, not an exception.
    /// </summary>
    public bool TryValidateIdToken(string jwt, string expectedAudience, out string? error) =>
        _signer.TryValidate(jwt, expectedAudience, out error);

    /// <summary>Stops the server; does nothing for the shared instance, which lives as long as the process.</summary>
    public async ValueTask DisposeAsync()
    {
        if (ReferenceEquals(this, s_shared))
        {
            return;
        }

        await _app.DisposeAsync().ConfigureAwait(false);
        _signer.Dispose();
    }

    private static Task WriteAsync(HttpResponse response, string contentType, string body)
    {
        response.ContentType = contentType;
        response.Headers.ContentLength = Encoding.UTF8.GetByteCount(body);
        return response.WriteAsync(body);
    }

    // Errors carry a short text body as the real server's do; with an empty body Google.Apis.Auth 1.78
    // throws a NullReferenceException instead of a TokenResponseException naming the status.
    private static Task FailAsync(HttpResponse response, int statusCode, string message)
    {
        response.StatusCode = statusCode;
        return statusCode is StatusCodes.Status204NoContent or StatusCodes.Status304NotModified
            ? Task.CompletedTask
            : WriteAsync(response, "text/plain", message + "\n");
    }

    private async Task HandleAsync(HttpContext context)
    {
        HttpRequest request = context.Request;
        HttpResponse response = context.Response;
        string path = request.Path.Value ?? "/";
        if (path == "/jwks")
        {
            await WriteAsync(response, "application/json", _signer.JwksJson()).ConfigureAwait(false);
            return;
        }

        response.Headers["Metadata-Flavor"] = "Google";
        if (request.Headers["Metadata-Flavor"] != "Google")
        {
            await FailAsync(response, StatusCodes.Status403Forbidden, "Missing Metadata-Flavor:Google header.").ConfigureAwait(false);
            return;
        }

        int failEverything = _failEverything;
        if (failEverything != 0)
        {
            await FailAsync(response, failEverything, "Fake failure.").ConfigureAwait(false);
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
                await WriteAsync(response, "text/plain", ProjectId).ConfigureAwait(false);
                return;
            default:
                await FailAsync(response, StatusCodes.Status404NotFound, "Not found.").ConfigureAwait(false);
                return;
        }
    }

    private async Task IdentityAsync(HttpContext context)
    {
        IQueryCollection query = context.Request.Query;
        string? audience = query["audience"];
        if (string.IsNullOrEmpty(audience))
        {
            await FailAsync(context.Response, StatusCodes.Status400BadRequest, "non-empty audience parameter required").ConfigureAwait(false);
            return;
        }

        _identityRequests.Enqueue(audience);
        TimeSpan delay = IdentityDelay;
        if (delay > TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(delay, context.RequestAborted).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        if (_faults.TryGetValue(audience, out (IdentityFault Fault, CancellationTokenSource Healed) fault)
            && !await MisbehaveAsync(context, fault.Fault, fault.Healed.Token).ConfigureAwait(false))
        {
            return;
        }

        if (_failingAudiences.TryGetValue(audience, out int status))
        {
            await FailAsync(context.Response, status, "Fake failure for audience " + audience + ".").ConfigureAwait(false);
            return;
        }

        // Like the real server, email claims come only with format=full (the library's default);
        // licenses=TRUE is accepted and adds nothing off GCE.
        bool full = string.Equals(query["format"], "full", StringComparison.OrdinalIgnoreCase);
        string jwt = _signer.Sign(audience, full ? ServiceAccountEmail : null, TimeSpan.FromHours(1), "https://accounts.google.com");
        await WriteAsync(context.Response, "text/plain", jwt).ConfigureAwait(false);
    }

    // Returns true when the request should then be answered normally (a hang that was healed).
    private static async Task<bool> MisbehaveAsync(HttpContext context, IdentityFault fault, CancellationToken healed)
    {
        switch (fault)
        {
            case IdentityFault.Hang:
                using (var wait = CancellationTokenSource.CreateLinkedTokenSource(healed, context.RequestAborted))
                {
                    try
                    {
                        await Task.Delay(Timeout.Infinite, wait.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        // Healed: answer as usual. Client gone: nobody to answer.
                    }
                }

                return !context.RequestAborted.IsCancellationRequested;
            case IdentityFault.Reset:
                context.Abort();
                return false;
            case IdentityFault.ServerError:
                await FailAsync(context.Response, StatusCodes.Status500InternalServerError, "Fake failure.").ConfigureAwait(false);
                return false;
            case IdentityFault.NotJwt:
                await WriteAsync(context.Response, "text/plain", "<html><body>Service temporarily unavailable</body></html>").ConfigureAwait(false);
                return false;
            case IdentityFault.MalformedJwt:
                string part = Base64Url.Encode(Encoding.UTF8.GetBytes("{\"alg\":\"RS256\",\"typ\":\"JWT\"}"));
                string payload = Base64Url.Encode(Encoding.UTF8.GetBytes("not json {"));
                await WriteAsync(context.Response, "text/plain", part + "." + payload + "." + Base64Url.Encode([1, 2, 3])).ConfigureAwait(false);
                return false;
            default:
                return true;
        }
    }
}
