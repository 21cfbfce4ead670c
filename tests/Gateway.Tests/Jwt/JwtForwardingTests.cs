using System.Net;
using Portcullis.Gateway.Tests.Infrastructure;
using Portcullis.Testing;

namespace Portcullis.Gateway.Tests.Jwt;

/// <summary>
/// What reaches the backend after a JWT check (the payload segment in <c>X-Endpoint-API-UserInfo</c>
/// and <c>X-Apigateway-Api-Userinfo</c>, client copies stripped on every route, the caller's
/// <c>Authorization</c> moved to <c>X-Forwarded-Authorization</c> under the minted ID token), and
/// CORS preflights, which never need a JWT.
/// </summary>
public sealed class JwtForwardingTests : IAsyncLifetime
{
    private FakeIssuer _issuer = null!;
    private EchoBackend _backend = null!;

    public async Task InitializeAsync()
    {
        _issuer = await FakeIssuer.StartAsync();
        _backend = await EchoBackend.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _backend.DisposeAsync();
        await _issuer.DisposeAsync();
    }

    [Fact]
    public async Task VerifiedToken_PayloadSegmentForwarded_ClientCopiesReplaced()
    {
        await using TestGateway gateway = await StartAsync(JwtConfigs.Shapes);
        string token = _issuer.Token(JwtConfigs.Audience, "alice");

        HttpResponseMessage response = await gateway.GetAsync("/jwt", r =>
        {
            r.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
            r.Headers.TryAddWithoutValidation("X-Endpoint-API-UserInfo", "untrusted-payload");
            r.Headers.TryAddWithoutValidation("X-Apigateway-Api-Userinfo", "untrusted-payload");
            r.Headers.TryAddWithoutValidation("X-Forwarded-Authorization", "Bearer spoofed");
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        RecordedRequest received = _backend.Last!;
        string payload = token.Split('.')[1];
        Assert.Equal([payload], received.Headers["X-Endpoint-API-UserInfo"]);
        Assert.Equal([payload], received.Headers["X-Apigateway-Api-Userinfo"]);

        // The ID token for the backend takes Authorization; the caller's moves over, the spoofed copy is gone.
        Assert.Equal(["Bearer " + token], received.Headers["X-Forwarded-Authorization"]);
        Assert.NotEqual("Bearer " + token, received.Header("Authorization"));
        Assert.StartsWith("Bearer ", received.Header("Authorization"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/open")]
    [InlineData("/key?key=" + TestGateway.ValidKey)]
    public async Task RoutesWithoutJwt_ClientUserInfoStripped(string target)
    {
        await using TestGateway gateway = await StartAsync(JwtConfigs.Shapes);

        HttpResponseMessage response = await gateway.GetAsync(target, r =>
        {
            r.Headers.TryAddWithoutValidation("X-Endpoint-API-UserInfo", "eyJzdWIiOiJhZG1pbiJ9");
            r.Headers.TryAddWithoutValidation("X-Apigateway-Api-Userinfo", "eyJzdWIiOiJhZG1pbiJ9");
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(_backend.Last!.Header("X-Endpoint-API-UserInfo"));
        Assert.Null(_backend.Last!.Header("X-Apigateway-Api-Userinfo"));
    }

    [Fact]
    public async Task QueryToken_StaysWhereItCameFrom()
    {
        await using TestGateway gateway = await StartAsync(JwtConfigs.Shapes);
        string token = _issuer.Token(JwtConfigs.Audience);

        Assert.Equal(HttpStatusCode.OK, (await gateway.GetAsync("/jwt?access_token=" + token)).StatusCode);
        Assert.Equal("?access_token=" + token, _backend.Last!.Query);
    }

    [Fact]
    public async Task GatewayPreflight_NoJwtNeeded_RefusalsCarryCors()
    {
        await using TestGateway gateway = await StartAsync(JwtConfigs.Shapes, "--PORTCULLIS_CORS_ORIGINS", "*");

        HttpResponseMessage preflight = await gateway.SendRawAsync(HttpMethod.Options, "/jwt", r =>
        {
            r.Headers.Add("Origin", "https://app.example.com");
            r.Headers.Add("Access-Control-Request-Method", "GET");
            r.Headers.Add("Access-Control-Request-Headers", "authorization");
        });
        Assert.True(preflight.IsSuccessStatusCode, $"preflight answered {(int)preflight.StatusCode}");
        Assert.Equal(0, _backend.RequestCount);

        HttpResponseMessage refused = await gateway.GetAsync("/jwt", r => r.Headers.Add("Origin", "https://app.example.com"));
        await ErrorAssert.IsAsync(refused, HttpStatusCode.Unauthorized, "Jwt is missing");
        Assert.True(refused.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task AllowCorsPreflight_ForwardedWithoutJwt()
    {
        string config = JwtConfigs.Shapes.Replace("x-google-backend:", "x-google-endpoints: [{ name: jwt.endpoints.test-project.cloud.goog, allowCors: true }]\nx-google-backend:", StringComparison.Ordinal);
        await using TestGateway gateway = await StartAsync(config);

        HttpResponseMessage preflight = await gateway.SendRawAsync(HttpMethod.Options, "/jwt", r =>
        {
            r.Headers.Add("Origin", "https://app.example.com");
            r.Headers.Add("Access-Control-Request-Method", "GET");
        });

        Assert.Equal(HttpStatusCode.OK, preflight.StatusCode);
        Assert.Equal("OPTIONS", Assert.Single(_backend.Requests).Method);
    }

    private Task<TestGateway> StartAsync(string config, params string[] args) =>
        TestGateway.StartAsync(config.With(_issuer.Url), _backend.BaseAddress, null, args);
}
