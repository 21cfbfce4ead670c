using System.Threading.Channels;
using Portcullis.GoogleCloud.ServiceControl;

namespace Portcullis.Gateway.ServiceControl;

/// <summary>
/// Usage reports to Service Control, off the request path: requests are queued in a bounded
/// buffer (when it is full, records are dropped and counted, never waited for), aggregated by
/// operation, consumer and response code, and sent every second or every 100 distinct
/// operations. A failed send is retried once, then counted as dropped: reports never delay or
/// fail a request.
/// </summary>
internal sealed class UsageReporter(ServiceControlClient client, Portcullis.Gateway.Sources.GatewaySources sources, TimeProvider time, ILogger<UsageReporter> logger) : BackgroundService
{
    public const int BufferSize = 10_000;
    public const int MaxOperationsPerReport = 100;
    public static readonly TimeSpan FlushInterval = TimeSpan.FromSeconds(1);

    private readonly Channel<UsageRecord> _buffer = Channel.CreateBounded<UsageRecord>(new BoundedChannelOptions(BufferSize)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
        SingleReader = true,
    });

    private long _dropped;

    /// <summary>Records dropped because the buffer was full or Service Control kept failing.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    public void Record(string operationName, string? consumerId, int responseCode)
    {
        if (!_buffer.Writer.TryWrite(new UsageRecord(operationName, consumerId, responseCode, time.GetUtcNow())))
        {
            Interlocked.Increment(ref _dropped);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var pending = new Dictionary<(string, string?, int), ReportOperation>();
        using var timer = new PeriodicTimer(FlushInterval, time);
        Task<bool> tick = timer.WaitForNextTickAsync(stoppingToken).AsTask();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                while (_buffer.Reader.TryRead(out UsageRecord record))
                {
                    var key = (record.OperationName, record.ConsumerId, record.ResponseCode);
                    pending[key] = pending.TryGetValue(key, out ReportOperation? existing)
                        ? existing with { Count = existing.Count + 1, End = record.At }
                        : new ReportOperation(record.OperationName, record.ConsumerId, record.ResponseCode, 1, record.At, record.At);
                    if (pending.Count >= MaxOperationsPerReport)
                    {
                        await FlushAsync(pending, stoppingToken).ConfigureAwait(false);
                    }
                }

                Task<bool> readable = _buffer.Reader.WaitToReadAsync(stoppingToken).AsTask();
                if (await Task.WhenAny(tick, readable).ConfigureAwait(false) == tick)
                {
                    await tick.ConfigureAwait(false);
                    await FlushAsync(pending, stoppingToken).ConfigureAwait(false);
                    tick = timer.WaitForNextTickAsync(stoppingToken).AsTask();
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: a last best-effort flush.
            await FlushAsync(pending, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private async Task FlushAsync(Dictionary<(string, string?, int), ReportOperation> pending, CancellationToken cancellationToken)
    {
        if (pending.Count == 0)
        {
            return;
        }

        List<ReportOperation> batch = [.. pending.Values];
        pending.Clear();
        string service = sources.ServiceName;
        for (int attempt = 0; attempt < 2; attempt++)
        {
            if (await client.ReportAsync(service, batch, cancellationToken).ConfigureAwait(false))
            {
                return;
            }
        }

        long lost = batch.Sum(o => o.Count);
        Interlocked.Add(ref _dropped, lost);
        GatewayLog.ReportDropped(logger, lost, Dropped);
    }

    private readonly record struct UsageRecord(string OperationName, string? ConsumerId, int ResponseCode, DateTimeOffset At);
}
