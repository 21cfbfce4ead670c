using Portcullis.PolicyEngine.Keys;
using Portcullis.PolicyEngine.Policy;

namespace Portcullis.Gateway.Keys;

/// <summary>
/// Checks keys against the live gs:// keyring. Synchronous and allocation-free while the index is
/// fresh. Under Cloud Run's request-based billing an idle instance gets almost no CPU between
/// requests, so the background poll can fall far behind; the requests themselves then keep the
/// index fresh. A request that finds no successful refresh within the poll interval starts one
/// (single-flight, one conditional read). A request that finds none within the interval plus
/// <see cref="Grace"/> — the timer was starved — waits for that refresh, at most <see cref="MaxWait"/>
/// after it began, so a key revoked while the instance slept is not honoured when it wakes. While
/// the store is failing (the last refresh did not reach it) nobody waits: the last good index answers.
/// </summary>
internal sealed class StorageKeySource(StorageKeyring keyring, GatewayOptions options, TimeProvider time) : IKeySource
{
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(1);

    public static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(2);

    public ValueTask<KeySourceResult> CheckAsync(string key, ApiOperation operation, HttpContext context, CancellationToken cancellationToken)
    {
        TimeSpan stale = keyring.SinceLastSuccess;
        if (stale > options.PollInterval)
        {
            Task refresh = keyring.RefreshAsync();
            if (keyring.Current is null || (stale > options.PollInterval + Grace && keyring.LastAttemptSucceeded))
            {
                TimeSpan budget = MaxWait - keyring.SinceLastAttempt;
                if (budget > TimeSpan.Zero)
                {
                    return CheckAfterAsync(refresh, budget, key, cancellationToken);
                }
            }
        }

        return new ValueTask<KeySourceResult>(Check(key));
    }

    private async ValueTask<KeySourceResult> CheckAfterAsync(Task refresh, TimeSpan budget, string key, CancellationToken cancellationToken)
    {
        try
        {
            await refresh.WaitAsync(budget, time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Storage is slow: answer from the last good index; the refresh carries on.
        }

        return Check(key);
    }

    private KeySourceResult Check(string key) =>
        keyring.Current is { } index ? index.Check(key, time.GetUtcNow()) : new KeyCheck(KeyVerdict.Unavailable, null);
}
