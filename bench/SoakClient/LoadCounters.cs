using System.Collections.Concurrent;

namespace Portcullis.Soak;

/// <summary>
/// What the client saw, as running totals: the sampler and the report take differences.
/// Written from many requests at once; every field is touched only through <see cref="Interlocked"/>.
/// </summary>
internal sealed class LoadCounters(int kinds)
{
    private long _sent;
    private long _late;
    private long _errors;
    private long _inFlight;

    public LatencyHistogram Latency { get; } = new();

    /// <summary>Responses with the expected status, per <see cref="RequestKind"/>.</summary>
    public long[] Expected { get; } = new long[kinds];

    /// <summary>Unexpected statuses and exceptions by description ("valid key → 502", "timeout"): only written on the error path.</summary>
    public ConcurrentDictionary<string, long> ErrorsByKind { get; } = new(StringComparer.Ordinal);

    public long Sent => Volatile.Read(ref _sent);

    public long Late => Volatile.Read(ref _late);

    public long Errors => Volatile.Read(ref _errors);

    public long InFlight => Volatile.Read(ref _inFlight);

    public long Completed
    {
        get
        {
            long completed = Errors;
            for (int i = 0; i < Expected.Length; i++)
            {
                completed += Volatile.Read(ref Expected[i]);
            }

            return completed;
        }
    }

    public void OnSend(bool late)
    {
        Interlocked.Increment(ref _sent);
        Interlocked.Increment(ref _inFlight);
        if (late)
        {
            Interlocked.Increment(ref _late);
        }
    }

    public void OnExpected(int kind, long microseconds)
    {
        Interlocked.Increment(ref Expected[kind]);
        Latency.Record(microseconds);
        Interlocked.Decrement(ref _inFlight);
    }

    public void OnError(string description, long microseconds)
    {
        ErrorsByKind.AddOrUpdate(description, 1, static (_, count) => count + 1);
        Interlocked.Increment(ref _errors);
        Latency.Record(microseconds);
        Interlocked.Decrement(ref _inFlight);
    }
}
