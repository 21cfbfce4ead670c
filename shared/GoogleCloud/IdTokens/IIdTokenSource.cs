namespace Portcullis.GoogleCloud.IdTokens;

/// <summary>Mints Google ID tokens for a backend audience. The seam tests replace with a fake metadata server.</summary>
public interface IIdTokenSource
{
    /// <summary>
    /// A current ID token (JWT) for <paramref name="audience"/>. Completes synchronously while a
    /// cached token is fresh. Throws <see cref="IdTokenUnavailableException"/> when none can be had.
    /// </summary>
    ValueTask<string> GetTokenAsync(string audience, CancellationToken cancellationToken);
}
