using System.Net;
using Google.Cloud.Storage.V1;

namespace Portcullis.GoogleCloud.Storage;

/// <summary>
/// <c>gs://BUCKET/PREFIX</c> locations and the <see cref="StorageClient"/> that reads and writes
/// them. The server root comes from <c>PORTCULLIS_STORAGE_URL</c> (default Google's); credentials
/// are Application Default Credentials (on Cloud Run the service account, through the metadata
/// server; <c>GCE_METADATA_HOST</c> is honoured). A plain-<c>http</c> loopback root (a local fake
/// or emulator) is called without credentials: no token is ever sent unencrypted, and tests need
/// no metadata server.
/// </summary>
public static class CloudStorage
{
    /// <summary>The scheme of a Cloud Storage location.</summary>
    public const string Scheme = "gs://";

    /// <summary>The setting that names the server root.</summary>
    public const string UrlSetting = "PORTCULLIS_STORAGE_URL";

    /// <summary>Google's server root.</summary>
    public static Uri DefaultUrl { get; } = new("https://storage.googleapis.com/");

    /// <summary>Whether <paramref name="location"/> is a <c>gs://</c> location.</summary>
    public static bool IsStorage(string location) => location.StartsWith(Scheme, StringComparison.Ordinal);

    /// <summary>Parses a server root; null or empty means <see cref="DefaultUrl"/>.</summary>
    public static Uri ParseUrl(string? configured)
    {
        if (string.IsNullOrEmpty(configured))
        {
            return DefaultUrl;
        }

        if (!Uri.TryCreate(configured.EndsWith('/') ? configured : configured + "/", UriKind.Absolute, out Uri? url)
            || url.Scheme is not ("http" or "https"))
        {
            throw new ArgumentException($"{UrlSetting} must be an absolute http(s) URL (the server root), not '{configured}'.");
        }

        return url;
    }

    /// <summary>A client for the server at <paramref name="serverRoot"/> (see the class remarks for credentials).</summary>
    public static StorageClient CreateClient(Uri serverRoot)
    {
        bool localFake = serverRoot.Scheme == "http" && (serverRoot.IsLoopback || (IPAddress.TryParse(serverRoot.Host, out IPAddress? ip) && IPAddress.IsLoopback(ip)));
        var builder = new StorageClientBuilder
        {
            BaseUri = new Uri(serverRoot, "storage/v1/").ToString(),
            UnauthenticatedAccess = localFake,
            ApplicationName = "portcullis",
        };
        return builder.Build();
    }
}
