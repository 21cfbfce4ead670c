using System.Buffers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Portcullis.Hosting.Logging;

/// <summary>
/// Cloud Logging JSON lines on stdout, written in batches off the request path. The console
/// logger writes and flushes every line on its own (one <c>write</c> system call per line): with
/// a log line per request that was about 35 µs of CPU per request, 40% of the gateway's
/// throughput. Here the request thread only formats the line (through
/// <see cref="CloudLoggingFormatter"/>) and appends its bytes to a buffer of its own thread (one
/// shared buffer under one lock showed as lock contention in profiles); one writer drains every
/// thread's buffer each <see cref="FlushInterval"/> and writes the lot with a single call. Lines
/// carry their own <c>timestamp</c>, so the batching delay and the per-thread grouping do not
/// change when Cloud Logging says they happened. When <see cref="MaxPendingBytes"/> are waiting
/// (stdout stuck), lines are dropped and counted rather than blocking requests, and the count is
/// logged once there is room.
/// </summary>
[ProviderAlias("CloudLogging")]
public sealed class CloudLoggingProvider : ILoggerProvider, ISupportExternalScope
{
    /// <summary>How long lines wait to be written together.</summary>
    public static readonly TimeSpan FlushInterval = TimeSpan.FromMilliseconds(20);

    /// <summary>Bytes held at most before new lines are dropped.</summary>
    public const int MaxPendingBytes = 32 * 1024 * 1024;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_line;

    private readonly CloudLoggingFormatter _formatter;
    private readonly Stream _output;
    private readonly ThreadLocal<ThreadBuffer> _local;
    private readonly Lock _registry = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _writer;
    private ThreadBuffer[] _buffers = [];
    private volatile bool _stopped;
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();
    private long _pendingBytes;
    private long _dropped;

    /// <summary>Creates the provider on stdout.</summary>
    public CloudLoggingProvider(IOptionsMonitor<CloudLoggingFormatterOptions> options)
        : this(new CloudLoggingFormatter(options), Console.OpenStandardOutput())
    {
    }

    /// <summary>Creates the provider on <paramref name="output"/> (tests).</summary>
    public CloudLoggingProvider(CloudLoggingFormatter formatter, Stream output)
    {
        _formatter = formatter;
        _output = output;
        _local = new ThreadLocal<ThreadBuffer>(Register);
        _writer = Task.Run(WriteLoopAsync);
    }

    /// <summary>Lines dropped because the queue was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    /// <inheritdoc />
    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    /// <summary>Writes what is queued and stops; lines logged afterwards are dropped.</summary>
    public void Dispose()
    {
        _stop.Cancel();
        _writer.GetAwaiter().GetResult();
        _stop.Dispose();
        // _local is left to its finalizer: a late log call from another thread must find it alive.
        _formatter.Dispose();
    }

    private ThreadBuffer Register()
    {
        var buffer = new ThreadBuffer(Thread.CurrentThread);
        lock (_registry)
        {
            _buffers = [.. _buffers, buffer];
        }

        return buffer;
    }

    private void Enqueue<TState>(in LogEntry<TState> entry, System.Text.Json.JsonEncodedText category)
    {
        ArrayBufferWriter<byte> line = t_line ??= new ArrayBufferWriter<byte>(1024);
        line.ResetWrittenCount();
        _formatter.WriteJson(entry, category, _scopes, line);
        line.Write("\n"u8);
        if (Interlocked.Add(ref _pendingBytes, line.WrittenCount) <= MaxPendingBytes)
        {
            ThreadBuffer buffer = _local.Value!;
            lock (buffer.Gate)
            {
                // Checked under the buffer's lock: the writer sets it before its last drain, which
                // takes this lock, so a line either makes that drain or is counted as dropped.
                if (!_stopped)
                {
                    buffer.Pending.Write(line.WrittenSpan);
                    return;
                }
            }
        }

        Interlocked.Add(ref _pendingBytes, -line.WrittenCount);
        Interlocked.Increment(ref _dropped);
    }

    private async Task WriteLoopAsync()
    {
        var batch = new ArrayBufferWriter<byte>(64 * 1024);
        long reported = 0;
        bool stopping = false;
        while (!stopping)
        {
            try
            {
                // Let a batch gather: one write for everything logged meanwhile.
                await Task.Delay(FlushInterval, _stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                stopping = true;
                _stopped = true;
            }

            Drain(batch);
            long dropped = Interlocked.Read(ref _dropped);
            if (dropped != reported)
            {
                batch.Write(System.Text.Encoding.UTF8.GetBytes(
                    $"{{\"severity\":\"WARNING\",\"message\":\"{dropped - reported} log lines were dropped: stdout did not keep up\",\"category\":\"{typeof(CloudLoggingProvider).FullName}\"}}\n"));
                reported = dropped;
            }

            if (batch.WrittenCount > 0)
            {
                try
                {
                    await _output.WriteAsync(batch.WrittenMemory).ConfigureAwait(false);
                    await _output.FlushAsync().ConfigureAwait(false);
                }
                catch (IOException)
                {
                    // stdout closed: nothing to tell, nowhere to tell it.
                }

                batch.ResetWrittenCount();
                if (batch.Capacity > 4 * 1024 * 1024)
                {
                    // A burst grew it: do not keep megabytes for quiet times.
                    batch = new ArrayBufferWriter<byte>(64 * 1024);
                }
            }
        }
    }

    /// <summary>Moves every thread's lines into <paramref name="batch"/>; forgets the buffers of threads that have ended.</summary>
    private void Drain(ArrayBufferWriter<byte> batch)
    {
        bool ended = false;
        foreach (ThreadBuffer buffer in Volatile.Read(ref _buffers))
        {
            lock (buffer.Gate)
            {
                if (buffer.Pending.WrittenCount > 0)
                {
                    batch.Write(buffer.Pending.WrittenSpan);
                    Interlocked.Add(ref _pendingBytes, -buffer.Pending.WrittenCount);
                    buffer.Pending.ResetWrittenCount();
                    if (buffer.Pending.Capacity > 1024 * 1024)
                    {
                        buffer.Pending = new ArrayBufferWriter<byte>(16 * 1024);
                    }
                }

                ended |= !buffer.Owner.IsAlive;
            }
        }

        if (ended)
        {
            lock (_registry)
            {
                // An ended thread logs no more; one whose last lines came after the drain keeps its buffer until the next.
                _buffers = [.. _buffers.Where(b => b.Owner.IsAlive || !b.IsEmpty)];
            }
        }
    }

    /// <summary>One thread's lines since the last drain.</summary>
    private sealed class ThreadBuffer(Thread owner)
    {
        public Thread Owner { get; } = owner;

        public Lock Gate { get; } = new();

        public ArrayBufferWriter<byte> Pending { get; set; } = new(16 * 1024);

        public bool IsEmpty
        {
            get
            {
                lock (Gate)
                {
                    return Pending.WrittenCount == 0;
                }
            }
        }
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
