namespace Portcullis.Gateway.Authentication;

/// <summary>
/// The HTTP client issuers' keys and discovery documents are fetched with (a seam: tests route
/// Google's and Auth0's real URLs to a loopback issuer, so that their sample configs run unchanged).
/// </summary>
internal sealed class JwksHttp(HttpClient client) : IDisposable
{
    public HttpClient Client { get; } = client;

    public static JwksHttp Create(JwtOptions options) =>
        new(new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = options.FetchTimeout });

    public void Dispose() => Client.Dispose();
}
