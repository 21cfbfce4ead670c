using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Portcullis.Testing;

/// <summary>
/// An OpenTelemetry collector's OTLP/HTTP receiver on loopback: takes
/// <c>POST /v1/metrics</c> (protobuf <c>ExportMetricsServiceRequest</c>), answers 200 with an empty
/// <c>ExportMetricsServiceResponse</c> and keeps every body, so a test can look for the metric
/// names it exported (protobuf carries strings as plain UTF-8).
/// </summary>
public sealed class FakeOtlpCollector : IAsyncDisposable
{
    private readonly ConcurrentQueue<byte[]> _metrics = new();
    private WebApplication _app = null!;

    /// <summary>The endpoint for <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>.</summary>
    public Uri Endpoint { get; private set; } = null!;

    /// <summary>Bodies received on <c>/v1/metrics</c>.</summary>
    public IReadOnlyList<byte[]> MetricExports => [.. _metrics];

    public static async Task<FakeOtlpCollector> StartAsync()
    {
        var collector = new FakeOtlpCollector();
        (collector._app, collector.Endpoint) = await LoopbackHost.StartAsync(collector.HandleAsync).ConfigureAwait(false);
        return collector;
    }

    /// <summary>True when some export held <paramref name="text"/>.</summary>
    public bool Received(string text)
    {
        byte[] needle = System.Text.Encoding.UTF8.GetBytes(text);
        return _metrics.Any(body => body.AsSpan().IndexOf(needle) >= 0);
    }

    private async Task HandleAsync(HttpContext context)
    {
        if (context.Request.Method != HttpMethods.Post || context.Request.Path != "/v1/metrics")
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted).ConfigureAwait(false);
        _metrics.Enqueue(body.ToArray());
        context.Response.ContentType = "application/x-protobuf";
        context.Response.ContentLength = 0;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
