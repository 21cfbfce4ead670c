using System.Buffers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Portcullis.Hosting.Logging;

/// <summary>
/// Cloud Logging JSON lines on stdout, written in batches off the request path (see
/// <see cref="LineBatcher"/>): the request thread only formats the line through
/// <see cref="CloudLoggingFormatter"/>. Lines carry their own <c>timestamp</c>, so the batching
/// delay and the per-thread grouping do not change when Cloud Logging says they happened.
/// </summary>
[ProviderAlias("CloudLogging")]
public sealed class CloudLoggingProvider : ILoggerProvider, ISupportExternalScope
{
    /// <summary>How long lines wait to be written together.</summary>
    public static readonly TimeSpan FlushInterval = LineBatcher.FlushInterval;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_line;

    private readonly CloudLoggingFormatter _formatter;
    private readonly LineBatcher _batcher;
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    /// <summary>Creates the provider on stdout.</summary>
    public CloudLoggingProvider(IOptionsMonitor<CloudLoggingFormatterOptions> options)
        : this(new CloudLoggingFormatter(options), Console.OpenStandardOutput())
    {
    }

    /// <summary>Creates the provider on <paramref name="output"/> (tests).</summary>
    public CloudLoggingProvider(CloudLoggingFormatter formatter, Stream output)
    {
        _formatter = formatter;
        _batcher = new LineBatcher(output, dropped => System.Text.Encoding.UTF8.GetBytes(
            $"{{\"severity\":\"WARNING\",\"message\":\"{dropped} log lines were dropped: stdout did not keep up\",\"category\":\"{typeof(CloudLoggingProvider).FullName}\"}}\n"));
    }

    /// <summary>Lines dropped because the queue was full.</summary>
    public long Dropped => _batcher.Dropped;

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    /// <inheritdoc />
    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    /// <summary>Writes what is queued and stops; lines logged afterwards are dropped.</summary>
    public void Dispose()
    {
        _batcher.Dispose();
        _formatter.Dispose();
    }

    private void Enqueue<TState>(in LogEntry<TState> entry, System.Text.Json.JsonEncodedText category)
    {
        ArrayBufferWriter<byte> line = t_line ??= new ArrayBufferWriter<byte>(1024);
        line.ResetWrittenCount();
        _formatter.WriteJson(entry, category, _scopes, line);
        line.Write("\n"u8);
        _batcher.Append(line.WrittenSpan);
    }

    private sealed class Logger(CloudLoggingProvider owner, string category) : ILogger
    {
        private readonly System.Text.Json.JsonEncodedText _encodedCategory = CloudLoggingFormatter.EncodeCategory(category);

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => owner._scopes.Push(state);

        // Levels are the logging configuration's business (LoggerFactory filters before this).
        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel != LogLevel.None)
            {
                owner.Enqueue(new LogEntry<TState>(logLevel, category, eventId, state, exception, formatter), _encodedCategory);
            }
        }
    }
}
