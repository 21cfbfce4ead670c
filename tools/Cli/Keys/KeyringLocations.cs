using Portcullis.GoogleCloud.Auth;
using Portcullis.GoogleCloud.Keyrings;
using Portcullis.GoogleCloud.SecretManager;
using Portcullis.GoogleCloud.Storage;

namespace Portcullis.Cli.Keys;

/// <summary>Opens the keyring a <c>--keyring</c> value names: a file path, <c>sm://projects/P/secrets/S</c> or <c>gs://BUCKET/PREFIX</c>.</summary>
internal static class KeyringLocations
{
    public static IKeyringEditor Open(string location)
    {
        if (CloudStorage.IsStorage(location))
        {
            Uri url = CloudStorage.ParseUrl(Environment.GetEnvironmentVariable(CloudStorage.UrlSetting));
            return new StorageKeyringStore(CloudStorage.CreateClient(url), StorageLocation.Parse(location));
        }

        if (!SecretReference.IsSecret(location))
        {
            return new DocumentKeyringEditor(new FileKeyringStore(location));
        }

        string smUrl = Environment.GetEnvironmentVariable("PORTCULLIS_SECRET_MANAGER_URL") is { Length: > 0 } configured
            ? configured.TrimEnd('/') + "/"
            : SecretManagerClient.DefaultBaseAddress.ToString();
        var http = new HttpClient { BaseAddress = new Uri(smUrl), Timeout = TimeSpan.FromSeconds(30) };
        return new DocumentKeyringEditor(new SecretManagerKeyringStore(new SecretManagerClient(http, new GoogleAccessTokenSource()), SecretReference.Parse(location)));
    }
}
