using Google.Apis.Auth.OAuth2;
using Portcullis.GoogleCloud.IdTokens;

namespace Portcullis.GoogleCloud.Auth;

/// <summary>Access tokens from the function's Google credential; Google.Apis.Auth caches and refreshes them.</summary>
public sealed class GoogleAccessTokenSource : IAccessTokenSource
{
    private const string CloudPlatform = "https://www.googleapis.com/auth/cloud-platform";
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

    private static async Task<ITokenAccess> CreateAsync()
    {
        GoogleCredential credential = await GoogleCredentials.GetAsync().ConfigureAwait(false);
        return credential.CreateScoped(CloudPlatform);
    }
}
