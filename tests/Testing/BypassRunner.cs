using System.Diagnostics;
using System.Globalization;

namespace Portcullis.Testing;

/// <summary>
/// Sends generated cases to a gateway over a few keep-alive raw connections in parallel, in
/// batches; after each batch it judges everything the echo backend received and forgets it, so
/// a run of millions of cases keeps a batch's worth of records in memory.
/// </summary>
public sealed class BypassRunner(Uri gateway, EchoBackend backend, BypassMutations generator, BypassOracle oracle)
{
    /// <summary>Parallel connections (the machine has few cores; more only adds contention).</summary>
    public int Connections { get; init; } = 4;

    public int BatchSize { get; init; } = 20_000;

    /// <summary>Stop after this many violations (each is printed with its seed and case index).</summary>
    public int MaxViolations { get; init; } = 20;

    /// <summary>Runs cases <c>0..count-1</c>, or until <paramref name="deadline"/> passes (checked per batch).</summary>
    public async Task<BypassReport> RunAsync(long count, TimeSpan? deadline = null, Action<BypassReport>? progress = null, CancellationToken cancellationToken = default)
    {
        var report = new BypassReport { Seed = generator.Seed };
        var clock = Stopwatch.StartNew();
        var connections = new RawHttpConnection[Connections];
        for (int c = 0; c < connections.Length; c++)
        {
            connections[c] = new RawHttpConnection(gateway);
        }

        try
        {
            backend.Clear();
            for (long first = 0; first < count && report.Violations.Count < MaxViolations; first += BatchSize)
            {
                if (deadline is { } limit && clock.Elapsed >= limit)
                {
                    break;
                }

                int size = (int)Math.Min(BatchSize, count - first);
                int[] statuses = await SendBatchAsync(connections, first, size, cancellationToken).ConfigureAwait(false);
                Judge(report, first, statuses);
                report.Cases += size;
                report.Elapsed = clock.Elapsed;
                progress?.Invoke(report);
            }
        }
        finally
        {
            foreach (RawHttpConnection connection in connections)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }
        }

        report.Elapsed = clock.Elapsed;
        return report;
    }

    private async Task<int[]> SendBatchAsync(RawHttpConnection[] connections, long first, int size, CancellationToken cancellationToken)
    {
        int[] statuses = new int[size];
        int next = -1;
        await Task.WhenAll(connections.Select(async connection =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < size)
            {
                BypassCase sent = generator.Generate(first + i);
                RawResponse response = await connection.SendAsync(sent.ToRequest(gateway), cancellationToken).ConfigureAwait(false);
                statuses[i] = response.Status;
            }
        })).ConfigureAwait(false);
        return statuses;
    }

    private void Judge(BypassReport report, long first, int[] statuses)
    {
        var reached = new HashSet<long>();
        foreach (RecordedRequest received in backend.Requests)
        {
            string? id = received.Header("X-Fuzz-Id");
            if (id is null || !long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out long index) || index < first || index >= first + statuses.Length)
            {
                Fail(report, $"a request the fuzzer did not send in this batch reached the backend: {received.Method} {received.RawTarget} (X-Fuzz-Id {id})");
                continue;
            }

            BypassCase sent = generator.Generate(index);
            reached.Add(index);
            if (oracle.Judge(sent, received) is { } why)
            {
                Fail(report, $"{sent} → backend {received.Method} {received.RawTarget}: {why}");
            }

            BypassOperation? operation = BypassApi.FromBackendPath(received.Path, out string forwarded);
            report.Hits[operation?.OperationId ?? "?"] = report.Hits.GetValueOrDefault(operation?.OperationId ?? "?") + 1;
            if (operation?.Protected == true)
            {
                report.ProtectedHits++;
            }
            else
            {
                report.PublicHits++;
            }

            string sentPath = sent.Target.Split('?')[0];
            if (!sentPath.EndsWith(forwarded, StringComparison.Ordinal))
            {
                report.RewrittenHits++;
            }
        }

        backend.Clear();
        for (int i = 0; i < statuses.Length; i++)
        {
            int status = statuses[i];
            report.Statuses[status] = report.Statuses.GetValueOrDefault(status) + 1;
            bool wasReached = reached.Contains(first + i);
            if (status >= 500 || (status == 200) != wasReached)
            {
                Fail(report, $"{generator.Generate(first + i)} → {status}, {(wasReached ? "forwarded" : "not forwarded")}");
            }
        }
    }

    private void Fail(BypassReport report, string violation)
    {
        if (report.Violations.Count < MaxViolations)
        {
            report.Violations.Add($"seed {generator.Seed} {violation}");
        }
    }
}
