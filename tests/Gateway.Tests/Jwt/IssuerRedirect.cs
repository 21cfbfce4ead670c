using Portcullis.Testing;

namespace Portcullis.Gateway.Tests.Jwt;

/// <summary>
/// Sends the gateway's key fetches for real issuers' URLs (Google's x509 map and JWKS, Auth0's
/// jwks.json, any discovery document) to a <see cref="FakeIssuer"/>, so their sample configs run unchanged.
/// </summary>
internal sealed class IssuerRedirect(FakeIssuer issuer) : DelegatingHandler(new SocketsHttpHandler())
{
    public List<Uri> Requested { get; } = [];

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Uri original = request.RequestUri!;
        lock (Requested)
        {
            Requested.Add(original);
        }

        string path = original.AbsolutePath.Contains("x509", StringComparison.Ordinal) || original.AbsolutePath.EndsWith("/oauth2/v1/certs", StringComparison.Ordinal) ? "/x509"
            : original.AbsolutePath.EndsWith("openid-configuration", StringComparison.Ordinal) ? "/.well-known/openid-configuration"
            : "/jwks";
        request.RequestUri = new Uri(issuer.Url + path);
        return base.SendAsync(request, cancellationToken);
    }
}
