using Portcullis.PolicyEngine.Keys;
using Portcullis.PolicyEngine.Policy;

namespace Portcullis.Gateway.Keys;

/// <summary>
/// Checks keys against the live gs:// keyring. Synchronous and allocation-free while the index is
/// fresh. Under Cloud Run's request-based billing an idle instance gets almost no CPU between
/// requests, so the background poll can fall far behind; the requests themselves then keep the
/// index fresh: one that finds it older than the poll interval starts a refresh (single-flight,
/// one conditional read), and one that finds no refresh attempted for longer than the interval plus
/// <see cref="Grace"/> — the timer was starved — waits up to <see cref="MaxWait"/> for it, so a
/// revoked key is not honoured long after its revocation just because the instance slept.
/// </summary>
internal sealed class StorageKeySource(StorageKeyring keyring, GatewayOptions options, TimeProvider time) : IKeySource
{
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(1);

    public static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(2);

    public ValueTask<KeySourceResult> CheckAsync(string key, ApiOperation operation, HttpContext context, CancellationToken cancellationToken)
    {
        TimeSpan since = keyring.SinceLastAttempt;
        if (since > options.PollInterval)
        {
            // Waiting only for a refresh this request started: one already under way for long is slow storage, not a starved timer.
            Task refresh = keyring.StartRefresh(out bool started);
            if (started && (since > options.PollInterval + Grace || keyring.Current is null))
            {
                return CheckAfterAsync(refresh, key, cancellationToken);
            }
        }

        return new ValueTask<KeySourceResult>(Check(key));
    }

    private async ValueTask<KeySourceResult> CheckAfterAsync(Task refresh, string key, CancellationToken cancellationToken)
    {
        try
        {
            await refresh.WaitAsync(MaxWait, time, cancellationToken).ConfigureAwait(false);
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
