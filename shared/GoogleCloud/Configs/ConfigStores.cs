using Portcullis.GoogleCloud.Auth;
using Portcullis.GoogleCloud.SecretManager;
using Portcullis.GoogleCloud.Storage;

namespace Portcullis.GoogleCloud.Configs;

/// <summary>Opens the config store a <c>PORTCULLIS_CONFIG</c> value names (<c>dir:PATH</c>, <c>sm://projects/P/secrets/S</c> or <c>gs://BUCKET/PREFIX</c>).</summary>
public static class ConfigStores
{
    /// <summary>Whether <paramref name="location"/> is a versioned store rather than a plain file.</summary>
    public static bool IsStore(string location) =>
        location.StartsWith("dir:", StringComparison.Ordinal) || SecretReference.IsSecret(location) || CloudStorage.IsStorage(location);

    /// <summary>
    /// Opens the store; <paramref name="secretManager"/> is used for <c>sm://</c>, and for <c>gs://</c>
    /// a Cloud Storage client for <paramref name="storageUrl"/> (null: Google's).
    /// </summary>
    public static IConfigStore Open(string location, Func<SecretManagerClient> secretManager, Uri? storageUrl = null) =>
        location.StartsWith("dir:", StringComparison.Ordinal)
            ? new DirConfigStore(location["dir:".Length..])
            : CloudStorage.IsStorage(location)
                ? new StorageConfigStore(CloudStorage.CreateClient(storageUrl ?? CloudStorage.DefaultUrl), StorageLocation.Parse(location))
                : new SecretManagerConfigStore(secretManager(), SecretReference.Parse(location));

    /// <summary>A Secret Manager client for <paramref name="baseUrl"/> with the function's own credentials.</summary>
    public static SecretManagerClient SecretManagerClient(Uri baseUrl, IAccessTokenSource tokens) =>
        new(new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(10) }, tokens);
}
