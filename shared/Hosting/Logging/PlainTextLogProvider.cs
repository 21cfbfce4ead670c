using System.Buffers;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Portcullis.Hosting.Logging;

/// <summary>
/// Plain-text log lines on stdout for running locally (<c>HH:mm:ss info: Category[id] message</c>,
/// as the simple console logger writes them with one line per entry), batched like the Cloud
/// Logging lines (<see cref="LineBatcher"/>), so a gateway run locally is not slowed by its own
/// request log the way the console logger's write per line did.
/// </summary>
[ProviderAlias("Console")]
public sealed class PlainTextLogProvider : ILoggerProvider
{
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_line;

    private readonly LineBatcher _batcher;
    private readonly TimeProvider _time;

    /// <summary>Creates the provider on stdout.</summary>
    public PlainTextLogProvider()
        : this(Console.OpenStandardOutput(), TimeProvider.System)
    {
    }

    /// <summary>Creates the provider on <paramref name="output"/> (tests).</summary>
    public PlainTextLogProvider(Stream output, TimeProvider time)
    {
        _time = time;
        _batcher = new LineBatcher(output, dropped => Encoding.UTF8.GetBytes(
            $"{Now(time)} warn: {typeof(PlainTextLogProvider).FullName}[0] {dropped} log lines were dropped: stdout did not keep up\n"));
    }

    /// <summary>Lines dropped because the queue was full.</summary>
    public long Dropped => _batcher.Dropped;

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    /// <summary>Writes what is queued and stops; lines logged afterwards are dropped.</summary>
    public void Dispose() => _batcher.Dispose();

    private static string Now(TimeProvider time) =>
        time.GetLocalNow().ToString("HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);

    private static string Level(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        LogLevel.Critical => "crit",
        _ => "none",
    };

    private void Enqueue(LogLevel level, string category, EventId eventId, string message, Exception? exception)
    {
        ArrayBufferWriter<byte> line = t_line ??= new ArrayBufferWriter<byte>(512);
        line.ResetWrittenCount();
        var text = new StringBuilder(message.Length + category.Length + 32);
        text.Append(Now(_time)).Append(' ').Append(Level(level)).Append(": ").Append(category)
            .Append('[').Append(eventId.Id).Append("] ").Append(message);
        if (exception is not null)
        {
            text.Append('\n').Append(exception);
        }

        text.Append('\n');
        Encoding.UTF8.GetBytes(text.ToString(), line);
        _batcher.Append(line.WrittenSpan);
    }

    private sealed class Logger(PlainTextLogProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        // Levels are the logging configuration's business (LoggerFactory filters before this).
        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel != LogLevel.None)
            {
                owner.Enqueue(logLevel, category, eventId, formatter(state, exception), exception);
            }
        }
    }
}
