using Portcullis.GoogleCloud.Auth;
using Portcullis.GoogleCloud.SecretManager;

namespace Portcullis.GoogleCloud.Configs;

/// <summary>Opens the config store a <c>PORTCULLIS_CONFIG</c> value names (<c>dir:PATH</c> or <c>sm://projects/P/secrets/S</c>).</summary>
public static class ConfigStores
{
    /// <summary>Whether <paramref name="location"/> is a versioned store rather than a plain file.</summary>
    public static bool IsStore(string location) =>
        location.StartsWith("dir:", StringComparison.Ordinal) || SecretReference.IsSecret(location);

    /// <summary>Opens the store; <paramref name="secretManager"/> is used for <c>sm://</c>.</summary>
    public static IConfigStore Open(string location, Func<SecretManagerClient> secretManager) =>
        location.StartsWith("dir:", StringComparison.Ordinal)
            ? new DirConfigStore(location["dir:".Length..])
            : new SecretManagerConfigStore(secretManager(), SecretReference.Parse(location));

    /// <summary>A Secret Manager client for <paramref name="baseUrl"/> with the function's own credentials.</summary>
    public static SecretManagerClient SecretManagerClient(Uri baseUrl, IAccessTokenSource tokens) =>
        new(new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(10) }, tokens);
}
