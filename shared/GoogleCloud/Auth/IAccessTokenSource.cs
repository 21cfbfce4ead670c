namespace Portcullis.GoogleCloud.Auth;

/// <summary>OAuth access tokens for Google APIs (Secret Manager, Service Control).</summary>
public interface IAccessTokenSource
{
    /// <summary>A current access token for the cloud-platform scope.</summary>
    Task<string> GetAccessTokenAsync(CancellationToken cancellationToken);
}
