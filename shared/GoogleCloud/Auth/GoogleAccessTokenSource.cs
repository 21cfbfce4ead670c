using Google.Apis.Auth.OAuth2;
using Portcullis.GoogleCloud.IdTokens;

namespace Portcullis.GoogleCloud.Auth;

/// <summary>Access tokens from the function's Google credential; Google.Apis.Auth caches and refreshes them.</summary>
/// <remarks>Creates the source; <paramref name="credentialFactory"/> replaces application-default credentials (tests point it at their own metadata server).</remarks>
public sealed class GoogleAccessTokenSource(Func<Task<GoogleCredential>>? credentialFactory = null) : IAccessTokenSource
{
    private const string CloudPlatform = "https://www.googleapis.com/auth/cloud-platform";
    private readonly Func<Task<GoogleCredential>> _credentialFactory = credentialFactory ?? GoogleCredentials.GetAsync;
    private Task<ITokenAccess>? _credential;

    /// <inheritdoc />
    public async Task<string> GetAccessTokenAsync(CancellationToken cancellationToken)
    {
        Task<ITokenAccess> credential = _credential ??= CreateAsync();
        try
        {
            ITokenAccess access = await credential.ConfigureAwait(false);
            return await access.GetAccessTokenForRequestAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // Not cached when it failed: the next call looks for credentials again.
            _ = Interlocked.CompareExchange(ref _credential, null, credential);
            throw;
        }
    }

    private async Task<ITokenAccess> CreateAsync()
    {
        GoogleCredential credential = await _credentialFactory().ConfigureAwait(false);
        return credential.CreateScoped(CloudPlatform);
    }
}
