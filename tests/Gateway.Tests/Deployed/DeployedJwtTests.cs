using System.Net;
using Portcullis.Gateway.Tests.Jwt;
using Portcullis.Testing;

namespace Portcullis.Gateway.Tests.Deployed;

/// <summary>
/// Caller JWTs in the deployed program (the Native AOT binary in CI): IdentityModel's RSA/ECDSA keys and
/// JWK parsing, and NSec's libsodium for Ed25519, under trimming and AOT compilation.
/// </summary>
public sealed class DeployedJwtTests
{
    [Fact]
    public async Task CallerJwts_RsaEcEd25519_Verify_MissingTokenIs401WithWwwAuthenticate()
    {
        IssuerKey rsa = IssuerKey.Rsa(), ec = IssuerKey.Ec("ES384"), ed = IssuerKey.Ed25519();
        await using FakeIssuer issuer = await FakeIssuer.StartAsync(rsa, ec, ed);
        await using EchoBackend backend = await EchoBackend.StartAsync();
        await using FakeMetadataServer metadata = await FakeMetadataServer.StartAsync();
        await using DeployedGateway gateway = await DeployedGateway.StartAsync(JwtConfigs.Shapes.With(issuer.Url), backend.BaseAddress, metadata);

        foreach (IssuerKey key in new[] { rsa, ec, ed })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/jwt");
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + issuer.Sign(issuer.Claims(JwtConfigs.Audience), key));
            HttpResponseMessage ok = await gateway.Client.SendAsync(request);
            Assert.True(ok.StatusCode == HttpStatusCode.OK, $"{key.Algorithm}: {(int)ok.StatusCode} {await ok.Content.ReadAsStringAsync()}\n{gateway.Process.Output()}");
        }

        Assert.NotNull(backend.Last!.Header("X-Endpoint-API-UserInfo"));
        HttpResponseMessage missing = await gateway.GetAsync("/jwt");
        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Contains("Jwt is missing", await missing.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.StartsWith("Bearer realm=", missing.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }
}
