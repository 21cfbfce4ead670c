using System.Net;
using Portcullis.Gateway.Tests.Infrastructure;
using Portcullis.Testing;

namespace Portcullis.Gateway.Tests.Jwt;

/// <summary>Quotas on a JWT-only method count per token subject: one caller's exhaustion does not stop another.</summary>
public sealed class JwtQuotaTests
{
    private const string Config = """
        swagger: "2.0"
        info: { title: Jwt, version: "1" }
        host: jwt.endpoints.test-project.cloud.goog
        x-google-backend: { address: "{backend}" }
        securityDefinitions:
          issuer_a: { type: oauth2, flow: implicit, authorizationUrl: "", x-google-issuer: "{issuer}", x-google-jwks_uri: "{issuer}/jwks" }
        security: [{ issuer_a: [] }]
        x-google-management:
          metrics:
            - { name: read-requests, displayName: Reads, valueType: INT64, metricKind: DELTA }
          quota:
            limits:
              - { name: read-limit, metric: read-requests, unit: "1/min/{project}", values: { STANDARD: 2 } }
        paths:
          /things:
            get:
              operationId: listThings
              x-google-quota: { metricCosts: { read-requests: 1 } }
        """;

    [Fact]
    public async Task JwtOnlyMethod_QuotaPerSubject()
    {
        await using FakeIssuer issuer = await FakeIssuer.StartAsync();
        await using EchoBackend backend = await EchoBackend.StartAsync();
        await using TestGateway gateway = await TestGateway.StartAsync(Config.With(issuer.Url), backend.BaseAddress);
        string alice = issuer.Token(JwtConfigs.Audience, "alice");
        string bob = issuer.Token(JwtConfigs.Audience, "bob");

        Assert.Equal(HttpStatusCode.OK, (await SendAsync(gateway, alice)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(gateway, alice)).StatusCode);
        HttpResponseMessage exhausted = await SendAsync(gateway, alice);
        Assert.Equal(HttpStatusCode.TooManyRequests, exhausted.StatusCode);
        Assert.Contains("for consumer 'jwt:issuer_a:alice'", await exhausted.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.OK, (await SendAsync(gateway, bob)).StatusCode);
    }

    private static Task<HttpResponseMessage> SendAsync(TestGateway gateway, string token) =>
        gateway.GetAsync("/things", r => r.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token));
}
