using Google.Apis.Auth.OAuth2;

namespace Portcullis.GoogleCloud.IdTokens;

/// <summary>Chooses the Google credential the functions run with.</summary>
public static class GoogleCredentials
{
    /// <summary>
    /// Application-default credentials, except on Cloud Run (<c>K_SERVICE</c>) or with
    /// <c>GCE_METADATA_HOST</c> and no <c>GOOGLE_APPLICATION_CREDENTIALS</c>: then the metadata
    /// server directly. Google.Apis.Auth caches its "am I on GCE" probe for the life of the
    /// process, so a metadata server that is briefly down at start would otherwise leave the
    /// gateway without credentials until restart.
    /// </summary>
    public static Task<GoogleCredential> GetAsync()
    {
        bool explicitFile = !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("GOOGLE_APPLICATION_CREDENTIALS"));
        bool metadata = !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("K_SERVICE"))
            || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("GCE_METADATA_HOST"));
        return !explicitFile && metadata
            ? Task.FromResult(GoogleCredential.FromComputeCredential(new ComputeCredential()))
            : GoogleCredential.GetApplicationDefaultAsync();
    }
}
