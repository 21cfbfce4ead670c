using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Portcullis.Hosting.Logging;

/// <summary>
/// One JSON object (one line, for <see cref="CloudLoggingProvider"/>) in the shape Cloud Logging
/// reads from stdout: <c>severity</c>, <c>message</c>, <c>logging.googleapis.com/trace</c> (from a
/// <see cref="TraceScope"/> scope), the category, event id, structured state and any exception.
/// </summary>
public sealed class CloudLoggingFormatter : IDisposable
{
    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    private static readonly JsonWriterOptions s_writerOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly IDisposable? _reload;
    private CloudLoggingFormatterOptions _options;

    /// <summary>Creates the formatter.</summary>
    public CloudLoggingFormatter(IOptionsMonitor<CloudLoggingFormatterOptions> options)
    {
        _options = options.CurrentValue;
        _reload = options.OnChange(o => _options = o);
    }

    /// <summary>Writes the entry as one JSON object (UTF-8, no line break) to <paramref name="output"/>.</summary>
    public void WriteJson<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, IBufferWriter<byte> output)
    {
        string message = logEntry.Formatter(logEntry.State, logEntry.Exception);
        // One writer per thread, reset onto each output: this runs once per request.
        Utf8JsonWriter json = t_writer ??= new Utf8JsonWriter(Stream.Null, s_writerOptions);
        json.Reset(output);
        try
        {
            json.WriteStartObject();
            json.WriteString("severity", Severity(logEntry.LogLevel));
            json.WriteString("message", message);
            json.WriteString("category", logEntry.Category);
            if (logEntry.EventId.Id != 0)
            {
                json.WriteNumber("eventId", logEntry.EventId.Id);
            }

            if (logEntry.Exception is { } exception)
            {
                json.WriteString("exception", exception.ToString());
            }

            var trace = new TraceFinder();
            scopeProvider?.ForEachScope(static (scope, finder) => finder.Look(scope), trace);
            if (trace.TraceId is { } traceId)
            {
                json.WriteString(
                    "logging.googleapis.com/trace",
                    string.IsNullOrEmpty(_options.ProjectId) ? traceId : $"projects/{_options.ProjectId}/traces/{traceId}");
            }

            if (logEntry.State is IReadOnlyList<KeyValuePair<string, object?>> state && state.Count > 1)
            {
                HttpRequestInfo? request = null;
                json.WriteStartObject("fields");
                for (int i = 0; i < state.Count; i++)
                {
                    KeyValuePair<string, object?> pair = state[i];
                    if (pair.Value is HttpRequestInfo info)
                    {
                        request = info;
                    }
                    else if (pair.Key != "{OriginalFormat}")
                    {
                        json.WriteString(pair.Key, pair.Value as string ?? Convert.ToString(pair.Value, System.Globalization.CultureInfo.InvariantCulture));
                    }
                }

                json.WriteEndObject();
                if (request is not null)
                {
                    WriteHttpRequest(json, request);
                }
            }

            json.WriteEndObject();
            json.Flush();
        }
        finally
        {
            json.Reset(Stream.Null);
        }
    }

    /// <summary>A protobuf Duration in JSON: seconds, at most nine fractional digits, then "s" ("0.0125s").</summary>
    private static string Duration(TimeSpan value)
    {
        Span<char> text = stackalloc char[40];
        value.TotalSeconds.TryFormat(text, out int length, "F9", System.Globalization.CultureInfo.InvariantCulture);
        while (text[length - 1] == '0')
        {
            length--;
        }

        if (text[length - 1] == '.')
        {
            length--;
        }

        text[length++] = 's';
        return new string(text[..length]);
    }

    /// <summary>Finds the trace id among the scopes without a closure per entry.</summary>
    private sealed class TraceFinder
    {
        public string? TraceId { get; private set; }

        public void Look(object? scope)
        {
            if (scope is IReadOnlyList<KeyValuePair<string, object?>> list)
            {
                for (int i = 0; i < list.Count; i++)
                {
                    if (list[i].Key == TraceScope.Key && list[i].Value is string id)
                    {
                        TraceId = id;
                    }
                }
            }
            else if (scope is IEnumerable<KeyValuePair<string, object?>> pairs)
            {
                foreach (KeyValuePair<string, object?> pair in pairs)
                {
                    if (pair.Key == TraceScope.Key && pair.Value is string id)
                    {
                        TraceId = id;
                    }
                }
            }
        }
    }

    /// <inheritdoc />
    public void Dispose() => _reload?.Dispose();

    private static void WriteHttpRequest(Utf8JsonWriter json, HttpRequestInfo request)
    {
        json.WriteStartObject("httpRequest");
        json.WriteString("requestMethod", request.RequestMethod);
        json.WriteString("requestUrl", request.RequestUrl);
        json.WriteNumber("status", request.Status);
        // A Duration in JSON: seconds with up to nine fractional digits and an "s".
        json.WriteString("latency", Duration(request.Latency));
        if (request.RemoteIp is { } ip)
        {
            json.WriteString("remoteIp", ip);
        }

        if (request.UserAgent is { } agent)
        {
            json.WriteString("userAgent", agent);
        }

        if (request.Referer is { } referer)
        {
            json.WriteString("referer", referer);
        }

        json.WriteString("protocol", request.Protocol);
        if (request.ResponseSize is { } size)
        {
            // int64 fields are strings in the LogEntry JSON.
            json.WriteString("responseSize", size.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        json.WriteEndObject();
    }

    private static string Severity(LogLevel level) => level switch
    {
        LogLevel.Trace or LogLevel.Debug => "DEBUG",
        LogLevel.Information => "INFO",
        LogLevel.Warning => "WARNING",
        LogLevel.Error => "ERROR",
        LogLevel.Critical => "CRITICAL",
        _ => "DEFAULT",
    };
}
