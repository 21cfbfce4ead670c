using System.Buffers;

namespace Portcullis.Hosting.Logging;

/// <summary>
/// Log lines written to a stream in batches, off the request path; used by both log providers
/// (Cloud Logging JSON on Cloud Run, plain text locally). The console logger writes and flushes
/// every line on its own (one <c>write</c> system call per line): with a log line per request that
/// was about 35 µs of CPU per request, 40% of the gateway's throughput. Here the logging thread
/// appends the line's bytes to a buffer of its own thread (one shared buffer under one lock showed
/// as lock contention in profiles); one writer drains every thread's buffer each
/// <see cref="FlushInterval"/> and writes the lot with a single call. When
/// <see cref="MaxPendingBytes"/> are waiting (stdout stuck), lines are dropped and counted rather
/// than blocking requests, and the count is written once there is room.
/// </summary>
internal sealed class LineBatcher : IDisposable
{
    /// <summary>How long lines wait to be written together.</summary>
    public static readonly TimeSpan FlushInterval = TimeSpan.FromMilliseconds(20);

    /// <summary>Bytes held at most before new lines are dropped.</summary>
    public const int MaxPendingBytes = 32 * 1024 * 1024;

    private readonly Stream _output;
    private readonly Func<long, byte[]> _droppedLine;
    private readonly ThreadLocal<ThreadBuffer> _local;
    private readonly Lock _registry = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _wake = new(0);
    private readonly Task _writer;
    private ThreadBuffer[] _buffers = [];
    private volatile bool _stopped;
    private long _pendingBytes;
    private long _dropped;
    private int _sleeping;
    private long _reported;

    /// <summary>Starts the writer on <paramref name="output"/>; <paramref name="droppedLine"/> is the line that reports N dropped lines.</summary>
    public LineBatcher(Stream output, Func<long, byte[]> droppedLine)
    {
        _output = output;
        _droppedLine = droppedLine;
        _local = new ThreadLocal<ThreadBuffer>(Register);
        _writer = Task.Run(WriteLoopAsync);
    }

    /// <summary>Lines dropped because the queue was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Queues one whole line (with its line break).</summary>
    public void Append(ReadOnlySpan<byte> line)
    {
        if (Interlocked.Add(ref _pendingBytes, line.Length) <= MaxPendingBytes)
        {
            ThreadBuffer buffer = _local.Value!;
            lock (buffer.Gate)
            {
                // Checked under the buffer's lock: the writer sets it before its last drain, which
                // takes this lock, so a line either makes that drain or is counted as dropped.
                if (!_stopped)
                {
                    buffer.Pending.Write(line);
                    WakeWriter();
                    return;
                }
            }
        }

        Interlocked.Add(ref _pendingBytes, -line.Length);
        Interlocked.Increment(ref _dropped);
    }

    /// <summary>Writes what is queued and stops; lines appended afterwards are dropped.</summary>
    public void Dispose()
    {
        _stop.Cancel();
        _writer.GetAwaiter().GetResult();
        _stop.Dispose();
        _wake.Dispose();
        // _local is left to its finalizer: a late log call from another thread must find it alive.
    }

    /// <summary>
    /// Returns when a line is waiting: at once if one is, otherwise when the next one is appended,
    /// so an idle process does not wake 50 times a second for nothing (CPU that instance-based
    /// billing charges, and wake-ups that request-based billing throttles anyway).
    /// </summary>
    private async Task WhenLinesAsync()
    {
        // Announce the sleep, then look: a line appended after the look sees the announcement (both
        // sides use full fences), so it cannot be missed. A spare release only costs one early loop.
        Interlocked.Exchange(ref _sleeping, 1);
        if (Interlocked.Read(ref _pendingBytes) > 0 || Interlocked.Read(ref _dropped) != _reported)
        {
            Interlocked.Exchange(ref _sleeping, 0);
            return;
        }

        await _wake.WaitAsync(_stop.Token).ConfigureAwait(false);
    }

    private void WakeWriter()
    {
        if (Volatile.Read(ref _sleeping) == 1 && Interlocked.Exchange(ref _sleeping, 0) == 1)
        {
            try
            {
                _wake.Release();
            }
            catch (ObjectDisposedException)
            {
                // A line from a thread's first log call racing the provider's disposal: dropped with the rest.
            }
        }
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

    private async Task WriteLoopAsync()
    {
        var batch = new ArrayBufferWriter<byte>(64 * 1024);
        bool stopping = false;
        while (!stopping)
        {
            try
            {
                await WhenLinesAsync().ConfigureAwait(false);

                // Let a batch gather: one write for everything logged meanwhile.
                await Task.Delay(FlushInterval, _stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                stopping = true;
                Interlocked.Exchange(ref _sleeping, 0);
                _stopped = true;
            }

            Drain(batch);
            long dropped = Interlocked.Read(ref _dropped);
            if (dropped != _reported)
            {
                batch.Write(_droppedLine(dropped - _reported));
                _reported = dropped;
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
}
