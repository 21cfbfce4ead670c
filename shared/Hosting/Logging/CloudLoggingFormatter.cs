using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Portcullis.Hosting.Logging;

/// <summary>
/// One JSON object (one line, for <see cref="CloudLoggingProvider"/>) in the shape Cloud Logging
/// reads from stdout: <c>severity</c>, <c>timestamp</c>, <c>message</c>, <c>logging.googleapis.com/trace</c> (from a
/// <see cref="TraceScope"/> scope), the category, event id, structured state and any exception.
/// </summary>
public sealed class CloudLoggingFormatter : IDisposable
{
    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    private static readonly JsonWriterOptions s_writerOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    // Names and fixed values encoded once: escaping them again on every line showed in profiles.
    private static readonly JsonEncodedText s_severity = JsonEncodedText.Encode("severity");
    private static readonly JsonEncodedText s_timestamp = JsonEncodedText.Encode("timestamp");
    private static readonly JsonEncodedText s_message = JsonEncodedText.Encode("message");
    private static readonly JsonEncodedText s_category = JsonEncodedText.Encode("category");
    private static readonly JsonEncodedText s_eventId = JsonEncodedText.Encode("eventId");
    private static readonly JsonEncodedText s_exception = JsonEncodedText.Encode("exception");
    private static readonly JsonEncodedText s_trace = JsonEncodedText.Encode("logging.googleapis.com/trace");
    private static readonly JsonEncodedText s_fields = JsonEncodedText.Encode("fields");
    private static readonly JsonEncodedText s_httpRequest = JsonEncodedText.Encode("httpRequest");
    private static readonly JsonEncodedText s_requestMethod = JsonEncodedText.Encode("requestMethod");
    private static readonly JsonEncodedText s_requestUrl = JsonEncodedText.Encode("requestUrl");
    private static readonly JsonEncodedText s_status = JsonEncodedText.Encode("status");
    private static readonly JsonEncodedText s_latency = JsonEncodedText.Encode("latency");
    private static readonly JsonEncodedText s_remoteIp = JsonEncodedText.Encode("remoteIp");
    private static readonly JsonEncodedText s_userAgent = JsonEncodedText.Encode("userAgent");
    private static readonly JsonEncodedText s_referer = JsonEncodedText.Encode("referer");
    private static readonly JsonEncodedText s_protocol = JsonEncodedText.Encode("protocol");
    private static readonly JsonEncodedText s_responseSize = JsonEncodedText.Encode("responseSize");
    private static readonly JsonEncodedText s_debug = JsonEncodedText.Encode("DEBUG");
    private static readonly JsonEncodedText s_info = JsonEncodedText.Encode("INFO");
    private static readonly JsonEncodedText s_warning = JsonEncodedText.Encode("WARNING");
    private static readonly JsonEncodedText s_error = JsonEncodedText.Encode("ERROR");
    private static readonly JsonEncodedText s_critical = JsonEncodedText.Encode("CRITICAL");
    private static readonly JsonEncodedText s_default = JsonEncodedText.Encode("DEFAULT");
    private readonly IDisposable? _reload;
    private CloudLoggingFormatterOptions _options;

    /// <summary>Creates the formatter.</summary>
    public CloudLoggingFormatter(IOptionsMonitor<CloudLoggingFormatterOptions> options)
    {
        _options = options.CurrentValue;
        _reload = options.OnChange(o => _options = o);
    }

    /// <summary>Writes the entry as one JSON object (UTF-8, no line break) to <paramref name="output"/>.</summary>
    public void WriteJson<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, IBufferWriter<byte> output) =>
        WriteJson(logEntry, EncodeCategory(logEntry.Category), scopeProvider, output);

    /// <summary>A category as the writer needs it (a logger encodes its own once).</summary>
    internal static JsonEncodedText EncodeCategory(string category) => JsonEncodedText.Encode(category, s_writerOptions.Encoder);

    /// <summary>As above, with the category already encoded.</summary>
    internal void WriteJson<TState>(in LogEntry<TState> logEntry, JsonEncodedText category, IExternalScopeProvider? scopeProvider, IBufferWriter<byte> output)
    {
        // A request line (state carrying an HttpRequestInfo) gets its message from the request
        // itself, formatted without allocating; any other entry through its formatter.
        var state = logEntry.State as IReadOnlyList<KeyValuePair<string, object?>>;
        HttpRequestInfo? request = null;
        if (state is not null)
        {
            for (int i = 0; i < state.Count && request is null; i++)
            {
                request = state[i].Value as HttpRequestInfo;
            }
        }

        // One writer per thread, reset onto each output: this runs once per request.
        Utf8JsonWriter json = t_writer ??= new Utf8JsonWriter(Stream.Null, s_writerOptions);
        json.Reset(output);
        try
        {
            json.WriteStartObject();
            json.WriteString(s_severity, Severity(logEntry.LogLevel));
            // When it happened (RFC 3339, UTC), not when the batch reached stdout.
            json.WriteString(s_timestamp, DateTime.UtcNow);
            if (request is null)
            {
                json.WriteString(s_message, logEntry.Formatter(logEntry.State, logEntry.Exception));
            }
            else
            {
                WriteSummary(json, request);
            }

            json.WriteString(s_category, category);
            if (logEntry.EventId.Id != 0)
            {
                json.WriteNumber(s_eventId, logEntry.EventId.Id);
            }

            if (logEntry.Exception is { } exception)
            {
                json.WriteString(s_exception, exception.ToString());
            }

            var trace = new TraceFinder();
            scopeProvider?.ForEachScope(static (scope, finder) => finder.Look(scope), trace);
            if (trace.TraceId is { } traceId)
            {
                json.WriteString(
                    s_trace,
                    string.IsNullOrEmpty(_options.ProjectId) ? traceId : $"projects/{_options.ProjectId}/traces/{traceId}");
            }

            if (state is not null && state.Count > 1)
            {
                json.WriteStartObject(s_fields);
                for (int i = 0; i < state.Count; i++)
                {
                    KeyValuePair<string, object?> pair = state[i];
                    if (pair.Value is not HttpRequestInfo && pair.Key != "{OriginalFormat}")
                    {
                        json.WriteString(pair.Key, pair.Value as string ?? Convert.ToString(pair.Value, System.Globalization.CultureInfo.InvariantCulture));
                    }
                }

                json.WriteEndObject();
            }

            if (request is not null)
            {
                WriteHttpRequest(json, request);
            }

            json.WriteEndObject();
            json.Flush();
        }
        finally
        {
            json.Reset(Stream.Null);
        }
    }

    private static void WriteSummary(Utf8JsonWriter json, HttpRequestInfo request)
    {
        int size = request.RequestMethod.Length + request.RequestUrl.Length + HttpRequestInfo.SummaryOverhead;
        char[]? rented = size > 512 ? ArrayPool<char>.Shared.Rent(size) : null;
        Span<char> text = rented is null ? stackalloc char[512] : rented;
        try
        {
            request.TryFormatSummary(text, out int written);
            json.WriteString(s_message, text[..written]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
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
        json.WriteStartObject(s_httpRequest);
        json.WriteString(s_requestMethod, request.RequestMethod);
        json.WriteString(s_requestUrl, request.RequestUrl);
        json.WriteNumber(s_status, request.Status);
        Span<char> text = stackalloc char[32];
        request.TryFormatLatency(text, out int written);
        json.WriteString(s_latency, text[..written]);
        if (request.RemoteIp is { } ip)
        {
            json.WriteString(s_remoteIp, ip);
        }

        if (request.UserAgent is { } agent)
        {
            json.WriteString(s_userAgent, agent);
        }

        if (request.Referer is { } referer)
        {
            json.WriteString(s_referer, referer);
        }

        json.WriteString(s_protocol, request.Protocol);
        if (request.ResponseSize is { } size)
        {
            // int64 fields are strings in the LogEntry JSON.
            size.TryFormat(text, out written, provider: System.Globalization.CultureInfo.InvariantCulture);
            json.WriteString(s_responseSize, text[..written]);
        }

        json.WriteEndObject();
    }

    private static JsonEncodedText Severity(LogLevel level) => level switch
    {
        LogLevel.Trace or LogLevel.Debug => s_debug,
        LogLevel.Information => s_info,
        LogLevel.Warning => s_warning,
        LogLevel.Error => s_error,
        LogLevel.Critical => s_critical,
        _ => s_default,
    };
}
