namespace Portcullis.Gateway.Sources;

/// <summary>Re-reads the config and keyring every <c>PORTCULLIS_POLL_SECONDS</c>.</summary>
internal sealed class SourcePoller(GatewaySources sources, GatewayOptions options, TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.PollInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            await sources.Config.RefreshAsync(stoppingToken).ConfigureAwait(false);
            if (sources.Keyring is { } keyring)
            {
                await keyring.RefreshAsync(stoppingToken).ConfigureAwait(false);
            }
        }
    }
}
