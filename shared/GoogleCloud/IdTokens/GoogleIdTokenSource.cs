using System.Collections.Concurrent;
using Google.Apis.Auth.OAuth2;

namespace Portcullis.GoogleCloud.IdTokens;

/// <summary>
/// ID tokens from application-default credentials through Google.Apis.Auth: one
/// <see cref="OidcToken"/> per audience, which caches and refreshes itself (refresh starts
/// 225 s before expiry; the old token serves meanwhile). On Cloud Run the credential is the
/// metadata server (<c>GCE_METADATA_HOST</c> points tests at a fake one). A failed attempt is
/// not cached: the next request tries again.
/// </summary>
public sealed class GoogleIdTokenSource : IIdTokenSource
{
    private readonly ConcurrentDictionary<string, Lazy<Task<OidcToken>>> _tokens = new(StringComparer.Ordinal);
    private readonly TimeSpan _timeout;
    private readonly Func<Task<GoogleCredential>> _credentialFactory;
    private Lazy<Task<GoogleCredential>> _credential;

    /// <summary>Creates the source. <paramref name="timeout"/> bounds a token fetch (default 5 s).</summary>
    public GoogleIdTokenSource(TimeSpan? timeout = null, Func<Task<GoogleCredential>>? credentialFactory = null)
    {
        _timeout = timeout ?? TimeSpan.FromSeconds(5);
        _credentialFactory = credentialFactory ?? GoogleCredentials.GetAsync;
        _credential = new Lazy<Task<GoogleCredential>>(_credentialFactory);
    }

    /// <inheritdoc />
    public ValueTask<string> GetTokenAsync(string audience, CancellationToken cancellationToken)
    {
        Lazy<Task<OidcToken>> entry = _tokens.GetOrAdd(audience, a => new Lazy<Task<OidcToken>>(() => CreateAsync(a)));
        if (entry.Value.IsCompletedSuccessfully)
        {
            Task<string> token = entry.Value.Result.GetAccessTokenAsync(cancellationToken);
            if (token.IsCompletedSuccessfully)
            {
                return new ValueTask<string>(token.Result);
            }

            return new ValueTask<string>(AwaitTokenAsync(audience, entry, token, cancellationToken));
        }

        return new ValueTask<string>(SlowPathAsync(audience, entry, cancellationToken));
    }

    private async Task<string> SlowPathAsync(string audience, Lazy<Task<OidcToken>> entry, CancellationToken cancellationToken)
    {
        OidcToken oidc;
        try
        {
            oidc = await entry.Value.WaitAsync(_timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            _tokens.TryRemove(new KeyValuePair<string, Lazy<Task<OidcToken>>>(audience, entry));
            throw new IdTokenUnavailableException(audience, e is TimeoutException ? "timed out" : e.Message, e);
        }

        return await AwaitTokenAsync(audience, entry, oidc.GetAccessTokenAsync(cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    private async Task<string> AwaitTokenAsync(string audience, Lazy<Task<OidcToken>> entry, Task<string> token, CancellationToken cancellationToken)
    {
        try
        {
            return await token.WaitAsync(_timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // A fresh OidcToken next time: its refresh manager may hold on to a failed attempt.
            _tokens.TryRemove(new KeyValuePair<string, Lazy<Task<OidcToken>>>(audience, entry));
            throw new IdTokenUnavailableException(audience, e is TimeoutException ? "timed out" : e.Message, e);
        }
    }

    private async Task<OidcToken> CreateAsync(string audience)
    {
        Lazy<Task<GoogleCredential>> credential = _credential;
        try
        {
            GoogleCredential google = await credential.Value.ConfigureAwait(false);
            return await google.GetOidcTokenAsync(
                OidcTokenOptions.FromTargetAudience(audience).WithTokenFormat(OidcTokenFormat.Full)).ConfigureAwait(false);
        }
        catch
        {
            // No credential yet (e.g. the metadata server was down at start): look again next time.
            Interlocked.CompareExchange(ref _credential, new Lazy<Task<GoogleCredential>>(_credentialFactory), credential);
            throw;
        }
    }
}
