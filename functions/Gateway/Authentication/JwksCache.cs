using System.Collections.Concurrent;
using Portcullis.PolicyEngine.Policy;

namespace Portcullis.Gateway.Authentication;

/// <summary>
/// The public keys of every JWT issuer the live config names, one <see cref="IssuerKeys"/> per
/// JWKS URL. Fetched when a config loads, refreshed in the background (<see cref="JwksRefresher"/>),
/// fetched on demand while no keys are held, and refetched once (rate-limited) for an unknown
/// <c>kid</c> — where Envoy waits for its next scheduled refresh.
/// </summary>
internal sealed class JwksCache(JwtOptions options, JwksHttp http, TimeProvider time, ILogger<JwksCache> logger)
{
    private const string NoKeysConsequence = "calls that need its tokens answer 401 until a fetch succeeds";
    private readonly ConcurrentDictionary<string, IssuerKeys> _keys = new(StringComparer.Ordinal);
    private readonly HttpClient _http = http.Client;

    public IssuerKeys For(JwtProvider provider) =>
        _keys.GetOrAdd(provider.Issuer + " " + provider.KeySource, static (_, state) => new IssuerKeys(state.provider, state.http, state.time, state.logger), (provider, http: _http, time, logger: (ILogger)logger));

    /// <summary>Fetches the keys of every provider (in parallel); requests that need them before it ends join it (<see cref="GetAsync"/>).</summary>
    public Task LoadAsync(IEnumerable<JwtProvider> providers, CancellationToken cancellationToken) =>
        Task.WhenAll(providers.Select(p => For(p)).Where(k => k.Current is null).Distinct().Select(k => k.RefreshAsync(NoKeysConsequence, cancellationToken)));

    /// <summary>The keys to check a token of <paramref name="provider"/> with; fetched now when none are held.</summary>
    public ValueTask<KeySet?> GetAsync(JwtProvider provider, CancellationToken cancellationToken)
    {
        IssuerKeys keys = For(provider);
        if (keys.Current is { } current)
        {
            return new(current);
        }

        // No keys yet: join the fetch under way (the first one starts as the config loads and
        // does not hold up the listener); otherwise fetch on demand, but not once per request
        // while the issuer is down.
        if (keys.Fetching is { } fetching)
        {
            return new(fetching.WaitAsync(cancellationToken));
        }

        // Looked again: a fetch that ended between the two looks above has set its keys by now (a
        // fetch sets them before its task completes); without this, a valid token got 401 "Jwks
        // remote fetch is failed" when the first fetch ended at that moment.
        if (keys.Current is { } fetched)
        {
            return new(fetched);
        }

        return time.GetUtcNow() - keys.LastAttempt < options.RetryInterval
            ? new((KeySet?)null)
            : new(keys.RefreshAsync(NoKeysConsequence, cancellationToken));
    }

    /// <summary>
    /// For a token whose <c>kid</c> is not in the held set: one refetch per issuer per
    /// <see cref="JwtOptions.KidRefetchInterval"/> (a rotation is picked up at once; a flood of
    /// made-up kids cannot make the gateway hammer the issuer). Null when no refetch was allowed.
    /// </summary>
    public async ValueTask<KeySet?> RefetchForUnknownKidAsync(JwtProvider provider, CancellationToken cancellationToken)
    {
        IssuerKeys keys = For(provider);
        return keys.TryClaimKidRefetch(options.KidRefetchInterval)
            ? await keys.RefreshAsync("keeping none", cancellationToken).ConfigureAwait(false)
            : null;
    }

    /// <summary>One refresh pass: issuers with no keys retry after <see cref="JwtOptions.RetryInterval"/>, the rest refresh every <see cref="JwtOptions.RefreshInterval"/>.</summary>
    public Task RefreshDueAsync(IEnumerable<JwtProvider> providers, CancellationToken cancellationToken)
    {
        DateTimeOffset now = time.GetUtcNow();
        var due = new List<Task>();
        foreach (IssuerKeys keys in providers.Select(For).Distinct())
        {
            bool retry = now - keys.LastAttempt >= options.RetryInterval;
            bool stale = keys.Current is null || now - keys.LastSuccess >= options.RefreshInterval;
            if (retry && stale)
            {
                due.Add(keys.RefreshAsync(NoKeysConsequence, cancellationToken));
            }
        }

        return Task.WhenAll(due);
    }
}
