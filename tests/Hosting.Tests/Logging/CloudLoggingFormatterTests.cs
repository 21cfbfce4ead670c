using System.Buffers;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Portcullis.Hosting.Logging;

namespace Portcullis.Hosting.Tests.Logging;

public sealed class CloudLoggingFormatterTests
{
    [Theory]
    [InlineData(LogLevel.Debug, "DEBUG")]
    [InlineData(LogLevel.Information, "INFO")]
    [InlineData(LogLevel.Warning, "WARNING")]
    [InlineData(LogLevel.Error, "ERROR")]
    [InlineData(LogLevel.Critical, "CRITICAL")]
    public void Write_OneJsonObjectPerLine_WithSeverityAndMessage(LogLevel level, string severity)
    {
        DateTime before = DateTime.UtcNow;
        JsonElement line = Format(level, "hello \"world\"", scope: null);

        Assert.Equal(severity, line.GetProperty("severity").GetString());
        // RFC 3339 in UTC, taken when the line was logged.
        string timestamp = line.GetProperty("timestamp").GetString()!;
        Assert.EndsWith("Z", timestamp, StringComparison.Ordinal);
        DateTime at = DateTime.Parse(timestamp, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal);
        Assert.InRange(at, before, DateTime.UtcNow);
        Assert.Equal("hello \"world\"", line.GetProperty("message").GetString());
        Assert.False(line.TryGetProperty("logging.googleapis.com/trace", out _));
    }

    [Fact]
    public void Write_InTraceScope_AddsCloudTraceField()
    {
        JsonElement line = Format(LogLevel.Information, "in a request", scope: "0af7651916cd43dd8448eb211c80319c");

        Assert.Equal("projects/test-project/traces/0af7651916cd43dd8448eb211c80319c", line.GetProperty("logging.googleapis.com/trace").GetString());
    }

    [Theory]
    [InlineData("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", null, "0af7651916cd43dd8448eb211c80319c")]
    [InlineData(null, "105445aa7843bc8bf206b12000100000/1;o=1", "105445aa7843bc8bf206b12000100000")]
    [InlineData("garbage", "not hex!/1", null)]
    [InlineData(null, null, null)]
    public void ParseTraceId_ReadsTraceparentOrCloudTraceContext(string? traceparent, string? cloud, string? expected)
    {
        Assert.Equal(expected, TraceScope.ParseTraceId(traceparent, cloud));
    }

    [Fact]
    public void Write_HttpRequestValue_BecomesCloudLoggingHttpRequest_OtherValuesFields()
    {
        var request = new HttpRequestInfo("GET", "/things?x=1", 401, TimeSpan.FromMilliseconds(12.5), "203.0.113.7", "curl/8", "https://app.example/page", "HTTP/1.1", 57);
        var state = new List<KeyValuePair<string, object?>>
        {
            new("HttpRequest", request),
            new("Operation", "listThings"),
            new("{OriginalFormat}", "{HttpRequest} operation={Operation}"),
        };
        var formatter = new CloudLoggingFormatter(new StaticOptions(new CloudLoggingFormatterOptions()));
        var output = new ArrayBufferWriter<byte>();
        formatter.WriteJson(new LogEntry<List<KeyValuePair<string, object?>>>(LogLevel.Warning, "Portcullis.Gateway.Requests", new EventId(1014), state, null, (_, _) => request.ToString()), null, output);

        JsonElement line = JsonDocument.Parse(output.WrittenMemory).RootElement;
        JsonElement http = line.GetProperty("httpRequest");
        Assert.Equal("GET", http.GetProperty("requestMethod").GetString());
        Assert.Equal("/things?x=1", http.GetProperty("requestUrl").GetString());
        Assert.Equal(401, http.GetProperty("status").GetInt32());
        Assert.Equal("0.0125s", http.GetProperty("latency").GetString());
        Assert.Equal("203.0.113.7", http.GetProperty("remoteIp").GetString());
        Assert.Equal("curl/8", http.GetProperty("userAgent").GetString());
        Assert.Equal("https://app.example/page", http.GetProperty("referer").GetString());
        Assert.Equal("HTTP/1.1", http.GetProperty("protocol").GetString());
        Assert.Equal("57", http.GetProperty("responseSize").GetString());
        Assert.Equal("listThings", line.GetProperty("fields").GetProperty("Operation").GetString());
        Assert.False(line.GetProperty("fields").TryGetProperty("HttpRequest", out _));
        Assert.Equal("GET /things?x=1 401 12.500 ms", line.GetProperty("message").GetString());
    }

    [Theory]
    [InlineData(0L, "0s", "0.000 ms")]
    [InlineData(1L, "0.0000001s", "0.000 ms")]
    [InlineData(5L, "0.0000005s", "0.001 ms")]
    [InlineData(125_000L, "0.0125s", "12.500 ms")]
    [InlineData(20_000_000L, "2s", "2000.000 ms")]
    [InlineData(15_000_001L, "1.5000001s", "1500.000 ms")]
    [InlineData(36_000_000_000L, "3600s", "3600000.000 ms")]
    [InlineData(-10L, "0s", "0.000 ms")]
    public void Write_Latency_IsAProtobufDuration_AndTheMessageInMilliseconds(long ticks, string duration, string milliseconds)
    {
        var request = new HttpRequestInfo("GET", "/x", 200, TimeSpan.FromTicks(ticks), null, null, null, "HTTP/1.1", null);

        JsonElement line = FormatRequest(request);

        Assert.Equal(duration, line.GetProperty("httpRequest").GetProperty("latency").GetString());
        Assert.Equal("GET /x 200 " + milliseconds, line.GetProperty("message").GetString());
        Assert.Equal(line.GetProperty("message").GetString(), request.ToString());
    }

    [Fact]
    public void Write_LongUrl_WholeInMessageAndHttpRequest()
    {
        string url = "/things?" + new string('a', 9000) + "\"quoted\"";
        var request = new HttpRequestInfo("POST", url, 503, TimeSpan.FromMilliseconds(1), null, null, null, "HTTP/2", 0);

        JsonElement line = FormatRequest(request);

        Assert.Equal("POST " + url + " 503 1.000 ms", line.GetProperty("message").GetString());
        Assert.Equal(url, line.GetProperty("httpRequest").GetProperty("requestUrl").GetString());
        Assert.Equal("0", line.GetProperty("httpRequest").GetProperty("responseSize").GetString());
    }

    private static JsonElement FormatRequest(HttpRequestInfo request)
    {
        var state = new List<KeyValuePair<string, object?>> { new("HttpRequest", request), new("{OriginalFormat}", "{HttpRequest}") };
        var formatter = new CloudLoggingFormatter(new StaticOptions(new CloudLoggingFormatterOptions()));
        var output = new ArrayBufferWriter<byte>();
        formatter.WriteJson(new LogEntry<List<KeyValuePair<string, object?>>>(LogLevel.Information, "Requests", new EventId(1014), state, null, (_, _) => "unused for request lines"), null, output);
        return JsonDocument.Parse(output.WrittenMemory).RootElement.Clone();
    }

    private static JsonElement Format(LogLevel level, string message, string? scope)
    {
        var formatter = new CloudLoggingFormatter(new StaticOptions(new CloudLoggingFormatterOptions { ProjectId = "test-project" }));
        var scopes = new LoggerExternalScopeProvider();
        using IDisposable? _ = scope is null ? null : scopes.Push(new Dictionary<string, object?> { [TraceScope.Key] = scope });
        // Through the provider that frames the lines on stdout.
        var output = new MemoryStream();
        var provider = new CloudLoggingProvider(formatter, output);
        provider.SetScopeProvider(scopes);
        provider.CreateLogger("Test.Category").Log(level, new EventId(1000), message, null, (s, _) => s);
        provider.Dispose();
        string text = System.Text.Encoding.UTF8.GetString(output.ToArray());
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        Assert.Single(text.TrimEnd('\n').Split('\n'));
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private sealed class StaticOptions(CloudLoggingFormatterOptions value) : IOptionsMonitor<CloudLoggingFormatterOptions>
    {
        public CloudLoggingFormatterOptions CurrentValue => value;

        public CloudLoggingFormatterOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<CloudLoggingFormatterOptions, string?> listener) => null;
    }
}
