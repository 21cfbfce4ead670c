using System.Diagnostics;
using System.Net;

namespace Portcullis.Soak;

/// <summary>
/// Open-loop load: request i is due at start + i / rate and is sent then, whether or not earlier ones
/// have finished (closed-loop tools such as wrk slow down with the server and hide a stall).
/// A request is late when, at its due time, the scheduler was more than <see cref="SoakOptions.LateAfter"/>
/// behind or every connection was busy (it waits in the handler's queue for one).
/// </summary>
internal sealed class LoadGenerator(HttpClient client, RequestKind[] kinds, LoadCounters counters, SoakOptions options)
{
    private readonly int[] _schedule = RequestKind.Schedule(kinds);

    /// <summary>Schedules every request on a dedicated thread, then waits for the last responses.</summary>
    public async Task RunAsync(long startTimestamp)
    {
        var scheduler = new Thread(() => Schedule(startTimestamp)) { IsBackground = true, Name = "soak scheduler" };
        scheduler.Start();
        await Task.Run(scheduler.Join).ConfigureAwait(false);
        while (counters.InFlight > 0)
        {
            await Task.Delay(50).ConfigureAwait(false);
        }
    }

    private void Schedule(long startTimestamp)
    {
        long total = (long)(options.Rate * options.Duration.TotalSeconds);
        double ticksPerRequest = Stopwatch.Frequency / options.Rate;
        long lateTicks = (long)(options.LateAfter.TotalSeconds * Stopwatch.Frequency);
        for (long i = 0; i < total; i++)
        {
            long due = startTimestamp + (long)(i * ticksPerRequest);
            long now = Stopwatch.GetTimestamp();
            while (now < due)
            {
                // Sleep(1) rather than spin: the client shares two cores with the gateway it measures.
                Thread.Sleep(1);
                now = Stopwatch.GetTimestamp();
            }

            bool late = now - due > lateTicks || counters.InFlight >= options.Connections;
            counters.OnSend(late);
            _ = SendAsync(_schedule[i % _schedule.Length]);
        }
    }

    private async Task SendAsync(int kind)
    {
        RequestKind request = kinds[kind];
        long started = Stopwatch.GetTimestamp();
        try
        {
            using var message = new HttpRequestMessage(HttpMethod.Get, request.Uri);
            using HttpResponseMessage response = await client.SendAsync(message).ConfigureAwait(false);
            long microseconds = (long)Stopwatch.GetElapsedTime(started).TotalMicroseconds;
            if ((int)response.StatusCode == request.ExpectedStatus)
            {
                counters.OnExpected(kind, microseconds);
            }
            else
            {
                counters.OnError($"{request.Name} → {(int)response.StatusCode}", microseconds);
            }
        }
#pragma warning disable CA1031 // Every failure is a finding to count, not a reason to stop the soak.
        catch (Exception e)
#pragma warning restore CA1031
        {
            counters.OnError(Describe(e), (long)Stopwatch.GetElapsedTime(started).TotalMicroseconds);
        }
    }

    private static string Describe(Exception e) => e switch
    {
        TaskCanceledException { InnerException: TimeoutException } => "timeout",
        HttpRequestException { HttpRequestError: not HttpRequestError.Unknown } h => $"HttpRequestException ({h.HttpRequestError})",
        _ => e.GetType().Name,
    };
}
