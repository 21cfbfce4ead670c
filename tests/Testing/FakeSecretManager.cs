using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Portcullis.PolicyEngine.Keys;

namespace Portcullis.Testing;

/// <summary>
/// Secret Manager v1 over REST on loopback: secrets with version aliases and etags, versions with
/// ENABLED / DISABLED / DESTROYED states, CRC32C-checked payloads (64 KiB limit), Google's error
/// envelope, and injected failures and delays. Requires a bearer token on every call.
/// </summary>
public sealed class FakeSecretManager : IAsyncDisposable
{
    /// <summary>Secret Manager's payload limit.</summary>
    public const int MaxPayloadBytes = 64 * 1024;

    private readonly ConcurrentDictionary<string, FakeSecret> _secrets = new(StringComparer.Ordinal);
    private WebApplication _app = null!;
    private int _failuresLeft;
    private int _failureStatus;
    private int _requests;
    private CancellationTokenSource _healed = new();

    private FakeSecretManager()
    {
    }

    /// <summary>http://127.0.0.1:PORT (what <c>PORTCULLIS_SECRET_MANAGER_URL</c> takes).</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Delay before every answer.</summary>
    public TimeSpan Delay { get; set; }

    /// <summary>When set, every call hangs (accepted, never answered) until <see cref="Heal"/> or the client goes away.</summary>
    public bool Hang { get; set; }

    /// <summary>When set, every call answers 200 <c>application/json</c> with exactly this body (garbage, wrongly shaped JSON).</summary>
    public string? RawAnswer { get; set; }

    /// <summary>When set, every call answers 403 PERMISSION_DENIED.</summary>
    public bool DenyPermission { get; set; }

    /// <summary>How many calls arrived.</summary>
    public int RequestCount => _requests;

    /// <summary>Starts the fake.</summary>
    public static async Task<FakeSecretManager> StartAsync()
    {
        var fake = new FakeSecretManager();
        (fake._app, fake.BaseAddress) = await LoopbackHost.StartAsync(fake.HandleAsync).ConfigureAwait(false);
        return fake;
    }

    /// <summary>Creates an empty secret (<c>projects/P/secrets/S</c>).</summary>
    public void CreateSecret(string name) => _secrets.TryAdd(name, new FakeSecret(name));

    /// <summary>The next <paramref name="count"/> calls answer <paramref name="status"/> (int.MaxValue: until <see cref="Heal"/>).</summary>
    public void Fail(int status, int count = int.MaxValue)
    {
        _failureStatus = status;
        Volatile.Write(ref _failuresLeft, count);
    }

    /// <summary>Stops injected failures, hangs (a hanging call then answers normally) and raw answers.</summary>
    public void Heal()
    {
        Volatile.Write(ref _failuresLeft, 0);
        Hang = false;
        RawAnswer = null;
        Interlocked.Exchange(ref _healed, new CancellationTokenSource()).Cancel();
    }

    /// <summary>Adds a version whose stored CRC does not match its data (a corrupt version) and points <paramref name="alias"/> at it.</summary>
    public long AddCorruptVersion(string secret, byte[] data, string alias)
    {
        FakeSecret s = _secrets[secret];
        lock (s)
        {
            long version = s.Add(data, Crc32C.Compute(data) ^ 0xDEADBEEF);
            s.Aliases[alias] = version;
            s.Touch();
            return version;
        }
    }

    /// <summary>Every payload ever stored, decoded (to check that no raw key was stored).</summary>
    public IReadOnlyList<byte[]> AllPayloads() => _secrets.Values.SelectMany(s => { lock (s) { return s.Versions.Values.Select(v => v.Data).ToList(); } }).ToList();

    /// <summary>Version numbers of a secret, oldest first.</summary>
    public IReadOnlyList<long> Versions(string secret)
    {
        FakeSecret s = _secrets[secret];
        lock (s)
        {
            return [.. s.Versions.Keys.Order()];
        }
    }

    /// <summary>The version an alias points at, or null.</summary>
    public long? Alias(string secret, string alias)
    {
        FakeSecret s = _secrets[secret];
        lock (s)
        {
            return s.Aliases.TryGetValue(alias, out long v) ? v : null;
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await _app.DisposeAsync().ConfigureAwait(false);

    private async Task HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref _requests);
        if (Delay > TimeSpan.Zero)
        {
            await Task.Delay(Delay, context.RequestAborted).ConfigureAwait(false);
        }

        if (Hang)
        {
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(_healed.Token, context.RequestAborted);
            try
            {
                await Task.Delay(Timeout.Infinite, wait.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Healed: answer as usual. Client gone: nobody to answer.
            }

            if (context.RequestAborted.IsCancellationRequested)
            {
                return;
            }
        }

        if (Interlocked.Decrement(ref _failuresLeft) >= 0)
        {
            await ErrorAsync(context, _failureStatus, "UNAVAILABLE", "injected failure").ConfigureAwait(false);
            return;
        }

        if (RawAnswer is { } raw)
        {
            Interlocked.Exchange(ref _failuresLeft, 0);
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(raw).ConfigureAwait(false);
            return;
        }

        Interlocked.Exchange(ref _failuresLeft, 0);
        if (!context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.Ordinal))
        {
            await ErrorAsync(context, 401, "UNAUTHENTICATED", "Request is missing required authentication credential.").ConfigureAwait(false);
            return;
        }

        if (DenyPermission)
        {
            await ErrorAsync(context, 403, "PERMISSION_DENIED", "Permission 'secretmanager.versions.access' denied for resource (or it may not exist).").ConfigureAwait(false);
            return;
        }

        await FakeSecretManagerRoutes.DispatchAsync(context, _secrets).ConfigureAwait(false);
    }

    internal static Task ErrorAsync(HttpContext context, int code, string status, string message)
    {
        context.Response.StatusCode = code;
        context.Response.ContentType = "application/json";
        var body = new JsonObject
        {
            ["error"] = new JsonObject { ["code"] = code, ["message"] = message, ["status"] = status },
        };
        return context.Response.WriteAsync(body.ToJsonString());
    }

    internal static string Int64(long value) => value.ToString(CultureInfo.InvariantCulture);

    internal static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web);
}
