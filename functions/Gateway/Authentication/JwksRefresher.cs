using Portcullis.Gateway.Sources;

namespace Portcullis.Gateway.Authentication;

/// <summary>Refreshes the live config's JWT issuer keys in the background, checking once a second what is due.</summary>
internal sealed class JwksRefresher(JwksCache cache, GatewaySources sources, TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(1), time, stoppingToken).ConfigureAwait(false);
                if (sources.Config.Target.Current is { JwtProviders.Count: > 0 } policy)
                {
                    await cache.RefreshDueAsync(policy.JwtProviders, stoppingToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }
}
