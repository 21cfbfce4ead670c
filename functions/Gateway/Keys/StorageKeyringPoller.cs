namespace Portcullis.Gateway.Keys;

/// <summary>
/// Loads the gs:// keyring before the gateway takes traffic (waiting up to 30 s; fail closed after
/// that until it loads) and refreshes it every <c>PORTCULLIS_POLL_SECONDS</c>. With CPU always
/// allocated this is what keeps it fresh; under request-based billing <see cref="StorageKeySource"/>
/// takes over when the timer is starved.
/// </summary>
internal sealed class StorageKeyringPoller(StorageKeyring keyring, GatewayOptions options, TimeProvider time) : BackgroundService
{
    private static readonly TimeSpan s_firstLoad = TimeSpan.FromSeconds(30);

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await keyring.RefreshAsync().WaitAsync(s_firstLoad, time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Serve (503 for keys) rather than not start: the load carries on in the background.
        }

        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.PollInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                await keyring.RefreshAsync().ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }
}
