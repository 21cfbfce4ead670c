using System.Collections.Concurrent;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Portcullis.Testing;

/// <summary>A backend on loopback that records every request exactly as it arrived and answers with a small JSON echo.</summary>
public sealed class EchoBackend : IAsyncDisposable
{
    // Targets are shown as received ('&' and '+' unescaped) so a failing assertion reads plainly.
    private static readonly JsonSerializerOptions s_json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private WebApplication _app = null!;

    private EchoBackend()
    {
    }

    /// <summary>http://127.0.0.1:PORT</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Every request so far, in arrival order.</summary>
    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    /// <summary>The latest request, or null.</summary>
    public RecordedRequest? Last => _requests.LastOrDefault();

    /// <summary>How many requests arrived.</summary>
    public int RequestCount => _requests.Count;

    /// <summary>Wait this long before sending response headers (cut short when the client goes away), e.g. to provoke a gateway 504.</summary>
    public TimeSpan ResponseDelay { get; set; }

    /// <summary>Status of the default answer.</summary>
    public int StatusCode { get; set; } = 200;

    /// <summary>Replaces the default answer when set (the request is still recorded and <see cref="ResponseDelay"/> still applies).</summary>
    public Func<HttpContext, Task>? Handler { get; set; }

    /// <summary>Starts a backend; with <paramref name="http2Cleartext"/> it speaks only HTTP/2 with prior knowledge.</summary>
    public static async Task<EchoBackend> StartAsync(bool http2Cleartext = false)
    {
        var backend = new EchoBackend();
        (backend._app, backend.BaseAddress) = await LoopbackHost.StartAsync(backend.HandleAsync, http2Cleartext).ConfigureAwait(false);
        return backend;
    }

    /// <summary>Forgets the recorded requests.</summary>
    public void Clear() => _requests.Clear();

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await _app.DisposeAsync().ConfigureAwait(false);

    private async Task HandleAsync(HttpContext context)
    {
        HttpRequest request = context.Request;
        DateTimeOffset receivedAt = DateTimeOffset.UtcNow;
        using var body = new MemoryStream();
        try
        {
            await request.Body.CopyToAsync(body, context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException)
        {
            // The client went away mid-body: nothing to record or answer.
            return;
        }

        string rawTarget = context.Features.GetRequiredFeature<IHttpRequestFeature>().RawTarget;
        int q = rawTarget.IndexOf('?', StringComparison.Ordinal);
        var headers = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase);
        foreach (KeyValuePair<string, Microsoft.Extensions.Primitives.StringValues> header in request.Headers)
        {
            headers[header.Key] = header.Value.ToArray()!;
        }

        _requests.Enqueue(new RecordedRequest(
            request.Method,
            rawTarget,
            q < 0 ? rawTarget : rawTarget[..q],
            q < 0 ? "" : rawTarget[q..],
            headers,
            body.ToArray(),
            request.Protocol,
            receivedAt));

        TimeSpan delay = ResponseDelay;
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

        if (Handler is { } handler)
        {
            await handler(context).ConfigureAwait(false);
            return;
        }

        int status = StatusCode;
        context.Response.StatusCode = status;
        if (status is StatusCodes.Status204NoContent or StatusCodes.Status304NotModified)
        {
            // These statuses carry no body (RFC 9110 §6.4.1); Kestrel throws on a write.
            return;
        }

        context.Response.ContentType = "application/json";
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(
            new Dictionary<string, object>
            {
                ["method"] = request.Method,
                ["target"] = rawTarget,
                ["bodyLength"] = body.Length,
            },
            s_json);
        context.Response.ContentLength = json.Length;
        await context.Response.Body.WriteAsync(json, context.RequestAborted).ConfigureAwait(false);
    }
}
