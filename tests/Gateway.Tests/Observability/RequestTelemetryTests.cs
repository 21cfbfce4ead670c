using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Portcullis.Gateway.Observability;
using Portcullis.Gateway.Tests.Infrastructure;
using Portcullis.Hosting.Logging;
using Portcullis.Testing;

namespace Portcullis.Gateway.Tests.Observability;

/// <summary>One request log line per request, the request metrics and their OTLP export, over real HTTP.</summary>
public sealed class RequestTelemetryTests : IAsyncLifetime
{
    private const string TraceId = "0af7651916cd43dd8448eb211c80319c";
    private readonly LogCapture _logs = new();
    private EchoBackend _backend = null!;
    private TestGateway _gateway = null!;

    public async Task InitializeAsync()
    {
        _backend = await EchoBackend.StartAsync();
        _gateway = await TestGateway.StartAsync(Configs.Bookstore, _backend.BaseAddress, null, services => services.AddSingleton<ILoggerProvider>(_logs), "--PORTCULLIS_BACKEND_AUTH", "off");
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _backend.DisposeAsync();
    }

    [Fact]
    public async Task ProxiedRequest_OneInfoLine_WithHttpRequestWithoutTheKey_ConsumerKeyIdConfigAndTrace()
    {
        HttpResponseMessage response = await _gateway.GetAsync($"/v1/shelves?key={TestGateway.ValidKey}&page=2", r =>
        {
            r.Headers.Add("traceparent", $"00-{TraceId}-b7ad6b7169203331-01");
            r.Headers.Add("User-Agent", "telemetry-test/1");
            r.Headers.Add("Referer", $"https://app.example/page?key={TestGateway.ValidKey}");
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        LogCapture.Entry line = Assert.Single(await RequestLinesAsync(1));
        Assert.Equal(LogLevel.Information, line.Level);
        var http = Assert.IsType<HttpRequestInfo>(line["HttpRequest"]);
        Assert.Equal("GET", http.RequestMethod);
        Assert.Equal("/v1/shelves?page=2", http.RequestUrl);
        Assert.Equal(200, http.Status);
        Assert.True(http.Latency > TimeSpan.Zero);
        Assert.Equal("127.0.0.1", http.RemoteIp);
        Assert.Equal("telemetry-test/1", http.UserAgent);
        Assert.Equal("https://app.example/page", http.Referer);
        Assert.Equal("listShelves", line["Operation"]);
        Assert.Equal("consumer:acme", line["Consumer"]);
        Assert.Equal(PolicyEngine.Keys.Keyring.NewRecord(TestGateway.ValidKey, "acme", TestGateway.Now).Id, line["KeyId"]);
        Assert.Matches("^[0-9a-f]{16}$", (string)line["ConfigId"]!);
        Assert.Contains(line.Scopes, s => s is IEnumerable<KeyValuePair<string, object?>> pairs && pairs.Any(p => p.Key == TraceScope.Key && (string?)p.Value == TraceId));
        Assert.DoesNotContain(TestGateway.ValidKey, line.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/nowhere?key=some-secret-value&x=1", 404, "/nowhere?x=1", "<Unknown Operation Name>")]
    [InlineData("/v1/shelves?other=1", 401, "/v1/shelves?other=1", "listShelves")]
    [InlineData("/v1/shelves?api_key=some-secret-value", 400, "/v1/shelves", "listShelves")]
    [InlineData("/v1/shelves?a=1&key=some-secret-value&b=2", 400, "/v1/shelves?a=1&b=2", "listShelves")]
    public async Task RefusedRequest_WarningLine_KeyStrippedEvenWhenNoRouteMatched(string target, int status, string loggedUrl, string operation)
    {
        HttpResponseMessage response = await _gateway.GetAsync(target);
        Assert.Equal(status, (int)response.StatusCode);

        LogCapture.Entry line = Assert.Single(await RequestLinesAsync(1));
        Assert.Equal(LogLevel.Warning, line.Level);
        var http = Assert.IsType<HttpRequestInfo>(line["HttpRequest"]);
        Assert.Equal(loggedUrl, http.RequestUrl);
        Assert.Equal(status, http.Status);
        Assert.Equal(operation, line["Operation"]);
        Assert.DoesNotContain(_logs.Entries, e => e.Message.Contains("some-secret-value", StringComparison.Ordinal));
    }

    [Fact]
    public async Task BackendDown_ErrorLine()
    {
        await using TestGateway gateway = await TestGateway.StartAsync(Configs.Bookstore, new Uri("http://127.0.0.1:9"), null, services => services.AddSingleton<ILoggerProvider>(_logs), "--PORTCULLIS_BACKEND_AUTH", "off");

        HttpResponseMessage response = await gateway.GetAsync("/v1/health");

        Assert.True((int)response.StatusCode >= 500);
        LogCapture.Entry line = Assert.Single(await RequestLinesAsync(1));
        Assert.Equal(LogLevel.Error, line.Level);
        Assert.Equal((int)response.StatusCode, Assert.IsType<HttpRequestInfo>(line["HttpRequest"]).Status);
    }

    [Fact]
    public async Task Metrics_CountAndTimeEveryRequest_ByOperationConsumerAndStatus()
    {
        Meter meter = _gateway.Services.GetRequiredService<RequestTelemetry>().Meter;
        var counts = new List<(long Value, Dictionary<string, object?> Tags)>();
        var durations = new List<(double Value, Dictionary<string, object?> Tags)>();
        int durationCount = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter, meter))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            lock (counts)
            {
                counts.Add((value, Tags(tags)));
            }
        });
        listener.SetMeasurementEventCallback<double>((_, value, tags, _) =>
        {
            lock (durations)
            {
                durations.Add((value, Tags(tags)));
            }

            Interlocked.Increment(ref durationCount);
        });
        listener.Start();

        await _gateway.GetAsync("/v1/shelves?key=" + TestGateway.ValidKey);
        await _gateway.GetAsync("/v1/shelves?key=" + TestGateway.ValidKey);
        await _gateway.GetAsync("/v1/shelves");
        using (var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
        {
            while (Volatile.Read(ref durationCount) < 3 && !deadline.IsCancellationRequested)
            {
                await Task.Delay(10, CancellationToken.None);
            }
        }

        lock (counts)
        {
            Assert.Equal(2, counts.Count(c => c.Value == 1 && Equals(c.Tags["operation"], "listShelves") && Equals(c.Tags["consumer"], "consumer:acme") && Equals(c.Tags["http.response.status_code"], 200)));
            Assert.Single(counts, c => Equals(c.Tags["consumer"], "anonymous") && Equals(c.Tags["http.response.status_code"], 401));
        }

        lock (durations)
        {
            Assert.Equal(3, durations.Count);
            Assert.All(durations, d => Assert.True(d.Value > 0));
        }
    }

    [Fact]
    public async Task Metrics_ExportedOverOtlp_WhenAnEndpointIsConfigured()
    {
        await using FakeOtlpCollector collector = await FakeOtlpCollector.StartAsync();
        await using TestGateway gateway = await TestGateway.StartAsync(
            Configs.Bookstore,
            _backend.BaseAddress,
            null,
            (Action<IServiceCollection>?)null,
            "--PORTCULLIS_BACKEND_AUTH", "off",
            "--OTEL_EXPORTER_OTLP_ENDPOINT", collector.Endpoint.ToString().TrimEnd('/'),
            "--OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf",
            "--OTEL_METRIC_EXPORT_INTERVAL", "100");

        await gateway.GetAsync("/v1/shelves?key=" + TestGateway.ValidKey);

        // The exporter sends on its own schedule: wait for it (a bound on waiting, not on speed).
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!collector.Received("portcullis.gateway.requests"))
        {
            await Task.Delay(50, deadline.Token);
        }

        Assert.True(collector.Received("listShelves"));
        Assert.True(collector.Received("portcullis.gateway.request.duration"));
    }

    /// <summary>
    /// The request lines, once <paramref name="expected"/> are there: a line is written when the
    /// request ends on the gateway, which can be just after the client has read the response.
    /// </summary>
    private async Task<List<LogCapture.Entry>> RequestLinesAsync(int expected)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (RequestLines().Count < expected && !deadline.IsCancellationRequested)
        {
            await Task.Delay(10, CancellationToken.None);
        }

        return RequestLines();
    }

    private List<LogCapture.Entry> RequestLines() => [.. _logs.Entries.Where(e => e.Category == RequestTelemetry.LogCategory)];

    private static Dictionary<string, object?> Tags(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var result = new Dictionary<string, object?>();
        foreach (KeyValuePair<string, object?> tag in tags)
        {
            result[tag.Key] = tag.Value;
        }

        return result;
    }
}
