namespace Portcullis.Gateway.Sources;

/// <summary>
/// Re-reads the config and keyring every <c>PORTCULLIS_POLL_SECONDS</c>. It never dies: a failed
/// refresh is logged and the next tick tries again (a dead poller would freeze the config).
/// </summary>
internal sealed class SourcePoller(GatewaySources sources, GatewayOptions options, TimeProvider time, ILogger<SourcePoller> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.PollInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                await RefreshAsync(sources.Config, stoppingToken).ConfigureAwait(false);
                if (sources.Keyring is { } keyring)
                {
                    await RefreshAsync(keyring, stoppingToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    private async Task RefreshAsync<T>(PolledSource<T> source, CancellationToken stoppingToken)
        where T : class
    {
        try
        {
            await source.RefreshAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            GatewayLog.PollFailed(logger, source.What, source.Location, e);
        }
    }
}
