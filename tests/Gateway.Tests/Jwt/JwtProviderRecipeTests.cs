using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Portcullis.Gateway.Authentication;
using Portcullis.Gateway.Tests.Infrastructure;
using Portcullis.Testing;

namespace Portcullis.Gateway.Tests.Jwt;

/// <summary>
/// The provider recipes of the reference's §1.5, each with a locally generated key of its kind:
/// RSA JWKS, Google's x509 certificate map, EC, Ed25519, OpenID discovery; and Firebase's and
/// Auth0's sample configs, as Google's docs give them, unchanged.
/// </summary>
public sealed class JwtProviderRecipeTests
{
    [Theory]
    [InlineData("RS256")]
    [InlineData("RS384")]
    [InlineData("RS512")]
    [InlineData("PS256")]
    [InlineData("PS384")]
    [InlineData("PS512")]
    [InlineData("ES256")]
    [InlineData("ES384")]
    [InlineData("ES512")]
    [InlineData("EdDSA")]
    public async Task Jwks_EveryAlgorithm_Verifies(string algorithm)
    {
        IssuerKey key = algorithm switch
        {
            "EdDSA" => IssuerKey.Ed25519(),
            _ when algorithm.StartsWith("ES", StringComparison.Ordinal) => IssuerKey.Ec(algorithm),
            _ => IssuerKey.Rsa(algorithm),
        };
        await using FakeIssuer issuer = await FakeIssuer.StartAsync(key);
        await using EchoBackend backend = await EchoBackend.StartAsync();
        await using TestGateway gateway = await TestGateway.StartAsync(JwtConfigs.Single("/jwks").With(issuer.Url), backend.BaseAddress);

        Assert.Equal(HttpStatusCode.OK, (await SendAsync(gateway, issuer.Token(JwtConfigs.Audience))).StatusCode);

        // The same claims signed by another key of the same kind and kid: refused.
        using IssuerKey forger = algorithm == "EdDSA" ? IssuerKey.Ed25519(key.KeyId)
            : algorithm.StartsWith("ES", StringComparison.Ordinal) ? IssuerKey.Ec(algorithm, key.KeyId)
            : IssuerKey.Rsa(algorithm, key.KeyId);
        await ErrorAssert.IsAsync(await SendAsync(gateway, issuer.Sign(issuer.Claims(JwtConfigs.Audience), forger)), HttpStatusCode.Unauthorized, "Jwt verification fails");
    }

    [Fact]
    public async Task X509CertificateMap_Verifies()
    {
        await using FakeIssuer issuer = await FakeIssuer.StartAsync(IssuerKey.Rsa(), IssuerKey.Rsa());
        await using EchoBackend backend = await EchoBackend.StartAsync();
        await using TestGateway gateway = await TestGateway.StartAsync(JwtConfigs.Single("/x509").With(issuer.Url), backend.BaseAddress);

        Assert.Equal(HttpStatusCode.OK, (await SendAsync(gateway, issuer.Token(JwtConfigs.Audience))).StatusCode);
        Assert.Equal(1, issuer.Fetches("/x509"));
    }

    [Fact]
    public async Task TokenWithoutKid_TriedAgainstEveryKey()
    {
        IssuerKey second = IssuerKey.Ec();
        await using FakeIssuer issuer = await FakeIssuer.StartAsync(IssuerKey.Rsa(), second);
        await using EchoBackend backend = await EchoBackend.StartAsync();
        await using TestGateway gateway = await TestGateway.StartAsync(JwtConfigs.Single("/jwks").With(issuer.Url), backend.BaseAddress);

        string token = issuer.Sign(issuer.Claims(JwtConfigs.Audience), second, new Dictionary<string, object?> { ["alg"] = "ES256" });

        Assert.Equal(HttpStatusCode.OK, (await SendAsync(gateway, token)).StatusCode);
    }

    [Fact]
    public async Task NoJwksUri_OpenIdDiscovery()
    {
        await using FakeIssuer issuer = await FakeIssuer.StartAsync();
        await using EchoBackend backend = await EchoBackend.StartAsync();
        await using TestGateway gateway = await TestGateway.StartAsync(JwtConfigs.Single(keysPath: null).With(issuer.Url), backend.BaseAddress);

        Assert.Equal(HttpStatusCode.OK, (await SendAsync(gateway, issuer.Token(JwtConfigs.Audience))).StatusCode);
        Assert.Equal(1, issuer.Fetches("/.well-known/openid-configuration"));
        Assert.Equal(1, issuer.Fetches("/jwks"));
    }

    [Fact]
    public async Task FirebaseSample_Unchanged_Works()
    {
        // API Gateway's Firebase sample (https://cloud.google.com/api-gateway/docs/authenticating-users-firebase), PROJECT_ID filled in.
        const string config = """
            swagger: '2.0'
            info:
              title: my-api optional-string
              description: Sample API on API Gateway with a Google Cloud Functions backend
              version: 1.0.0
            schemes:
              - https
            produces:
              - application/json
            paths:
              /hello:
                get:
                  summary: Greet a user
                  operationId: hello
                  x-google-backend:
                    address: {backend}/helloGET
                  security:
                    - firebase: []
                  responses:
                    '200':
                      description: A successful response
                      schema:
                        type: string
            securityDefinitions:
              firebase:
                authorizationUrl: ""
                flow: "implicit"
                type: "oauth2"
                x-google-issuer: "https://securetoken.google.com/my-project"
                x-google-jwks_uri: "https://www.googleapis.com/service_accounts/v1/metadata/x509/securetoken@system.gserviceaccount.com"
                x-google-audiences: "my-project"
            """;
        await using FakeIssuer issuer = await FakeIssuer.StartAsync();
        var redirect = new IssuerRedirect(issuer);
        await using EchoBackend backend = await EchoBackend.StartAsync();
        await using TestGateway gateway = await TestGateway.StartAsync(config, backend.BaseAddress, null, services => services.AddSingleton(new JwksHttp(new HttpClient(redirect))));

        HttpResponseMessage ok = await SendAsync(gateway, issuer.Token("my-project", "firebase-uid-1", "https://securetoken.google.com/my-project"), "/hello");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal(new Uri("https://www.googleapis.com/service_accounts/v1/metadata/x509/securetoken@system.gserviceaccount.com"), Assert.Single(redirect.Requested));
        await ErrorAssert.IsAsync(await SendAsync(gateway, issuer.Token("other-project", "u", "https://securetoken.google.com/my-project"), "/hello"), HttpStatusCode.Forbidden, "Audiences in Jwt are not allowed");
    }

    [Fact]
    public async Task Auth0Sample_Unchanged_Works_WithAudienceList()
    {
        // Cloud Endpoints' Auth0 sample (https://cloud.google.com/endpoints/docs/openapi/authenticating-users-auth0).
        const string config = """
            swagger: "2.0"
            info:
              description: "A simple Google Cloud Endpoints API example."
              title: "Endpoints Example"
              version: "1.0.0"
            host: "echo-api.endpoints.my-project.cloud.goog"
            x-google-backend:
              address: {backend}
            consumes:
            - "application/json"
            produces:
            - "application/json"
            schemes:
            - "https"
            paths:
              "/auth/info/auth0":
                get:
                  description: "Returns the requests' authentication information."
                  operationId: "auth_info_auth0"
                  produces:
                  - "application/json"
                  responses:
                    200:
                      description: "Authentication info."
                  security:
                  - auth0_jwk: []
            securityDefinitions:
              auth0_jwk:
                authorizationUrl: ""
                flow: "implicit"
                type: "oauth2"
                x-google-issuer: "https://my-tenant.auth0.com/"
                x-google-jwks_uri: "https://my-tenant.auth0.com/.well-known/jwks.json"
                x-google-audiences: "my-client-id"
            """;
        await using FakeIssuer issuer = await FakeIssuer.StartAsync();
        var redirect = new IssuerRedirect(issuer);
        await using EchoBackend backend = await EchoBackend.StartAsync();
        await using TestGateway gateway = await TestGateway.StartAsync(config, backend.BaseAddress, null, services => services.AddSingleton(new JwksHttp(new HttpClient(redirect))));

        // Auth0 access tokens carry aud as a list that also holds the tenant's /userinfo.
        Dictionary<string, object?> claims = issuer.Claims(null, "auth0|123", issuer: "https://my-tenant.auth0.com/");
        claims["aud"] = new[] { "my-client-id", "https://my-tenant.auth0.com/userinfo" };

        Assert.Equal(HttpStatusCode.OK, (await SendAsync(gateway, issuer.Sign(claims), "/auth/info/auth0")).StatusCode);

        // The trailing slash of Auth0's issuer matters: iss is compared exactly.
        claims["iss"] = "https://my-tenant.auth0.com";
        await ErrorAssert.IsAsync(await SendAsync(gateway, issuer.Sign(claims), "/auth/info/auth0"), HttpStatusCode.Unauthorized, "Jwt issuer is not configured");
    }

    private static Task<HttpResponseMessage> SendAsync(TestGateway gateway, string token, string path = "/jwt") =>
        gateway.GetAsync(path, r => r.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token));
}
