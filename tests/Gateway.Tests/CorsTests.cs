using System.Net;
using Portcullis.Gateway.Cors;
using Portcullis.Gateway.Tests.Infrastructure;
using Portcullis.Testing;

namespace Portcullis.Gateway.Tests;

/// <summary>CORS: the config's allowCors pass-through, and the gateway-answered preflight mode (PORTCULLIS_CORS_ORIGINS).</summary>
public sealed class CorsTests : IAsyncLifetime
{
    private const string AllowCorsConfig = """
        swagger: "2.0"
        info: { title: Things, version: "1" }
        host: things.endpoints.test-project.cloud.goog
        x-google-endpoints:
          - name: things.endpoints.test-project.cloud.goog
            allowCors: true
        x-google-backend: { address: "{backend}" }
        securityDefinitions:
          api_key: { type: apiKey, name: key, in: query }
          partner: { type: apiKey, name: X-Partner-Key, in: header }
        security: [{ api_key: [] }]
        paths:
          /things:
            get: { operationId: listThings }
          /partners:
            get: { operationId: listPartners, security: [{ partner: [] }] }
        """;

    private EchoBackend _backend = null!;

    public async Task InitializeAsync() => _backend = await EchoBackend.StartAsync();

    public async Task DisposeAsync() => await _backend.DisposeAsync();

    [Fact]
    public async Task AllowCors_PreflightForwardedToTheBackend_WithoutAKey()
    {
        await using TestGateway gateway = await StartAsync(AllowCorsConfig);

        HttpResponseMessage response = await gateway.SendRawAsync(HttpMethod.Options, "/things", Preflight("https://app.example.com"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        RecordedRequest forwarded = Assert.Single(_backend.Requests);
        Assert.Equal("OPTIONS", forwarded.Method);
        Assert.Equal("https://app.example.com", forwarded.Header("Origin"));
    }

    [Fact]
    public async Task PreflightMode_AnsweredByTheGateway_KeyHeadersAllowed_NothingForwarded()
    {
        await using TestGateway gateway = await StartAsync(AllowCorsConfig, "--PORTCULLIS_CORS_ORIGINS", "https://app.example.com, https://admin.example.com");

        HttpResponseMessage response = await gateway.SendRawAsync(HttpMethod.Options, "/partners", Preflight("https://admin.example.com"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("https://admin.example.com", Header(response, "Access-Control-Allow-Origin"));
        Assert.Equal("GET, POST, PUT, PATCH, DELETE, OPTIONS", Header(response, "Access-Control-Allow-Methods"));
        string allowed = Header(response, "Access-Control-Allow-Headers")!;
        Assert.Contains("x-api-key", allowed.Split(','), StringComparer.OrdinalIgnoreCase);
        Assert.Contains("X-Partner-Key", allowed.Split(','), StringComparer.OrdinalIgnoreCase);
        Assert.Contains("Authorization", allowed.Split(','), StringComparer.OrdinalIgnoreCase);
        Assert.Equal("1728000", Header(response, "Access-Control-Max-Age"));
        Assert.Contains("Origin", response.Headers.Vary);
        Assert.Equal(0, _backend.RequestCount);
    }

    [Theory]
    [InlineData(null, "GET")]
    [InlineData("https://app.example.com", null)]
    [InlineData("https://evil.example.com", "GET")]
    public async Task PreflightMode_MissingHeadersOrUnmatchedOrigin_EspV2BadRequest(string? origin, string? method)
    {
        await using TestGateway gateway = await StartAsync(AllowCorsConfig, "--PORTCULLIS_CORS_ORIGINS", "https://app.example.com");

        HttpResponseMessage response = await gateway.SendRawAsync(HttpMethod.Options, "/things", r =>
        {
            if (origin is not null)
            {
                r.Headers.Add("Origin", origin);
            }

            if (method is not null)
            {
                r.Headers.Add("Access-Control-Request-Method", method);
            }
        });

        await ErrorAssert.IsAsync(response, HttpStatusCode.BadRequest, CorsPolicy.PreflightRefused);
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
        Assert.Equal(0, _backend.RequestCount);
    }

    [Fact]
    public async Task PreflightMode_UnknownPath_Is404()
    {
        await using TestGateway gateway = await StartAsync(AllowCorsConfig, "--PORTCULLIS_CORS_ORIGINS", "*");

        HttpResponseMessage response = await gateway.SendRawAsync(HttpMethod.Options, "/nowhere", Preflight("https://app.example.com"));

        await ErrorAssert.IsAsync(response, HttpStatusCode.NotFound, "The current request is not defined by this API.");
    }

    [Fact]
    public async Task PreflightMode_ActualRequests_CarryAllowOrigin_ErrorsToo_KeyStillRequired()
    {
        await using TestGateway gateway = await StartAsync(AllowCorsConfig, "--PORTCULLIS_CORS_ORIGINS", "*");

        HttpResponseMessage refused = await gateway.GetAsync("/things", r => r.Headers.Add("Origin", "https://app.example.com"));
        HttpResponseMessage allowed = await gateway.GetAsync("/things?key=" + TestGateway.ValidKey, r => r.Headers.Add("Origin", "https://app.example.com"));
        HttpResponseMessage noOrigin = await gateway.GetAsync("/things?key=" + TestGateway.ValidKey);

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("*", Header(refused, "Access-Control-Allow-Origin"));
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Equal("*", Header(allowed, "Access-Control-Allow-Origin"));
        Assert.Equal("Content-Length,Content-Range", Header(allowed, "Access-Control-Expose-Headers"));
        Assert.Null(Header(noOrigin, "Access-Control-Allow-Origin"));
        Assert.Equal(2, _backend.RequestCount);
    }

    [Fact]
    public async Task PreflightMode_WithCredentials_NamesTheOriginNeverStar()
    {
        await using TestGateway gateway = await StartAsync(AllowCorsConfig, "--PORTCULLIS_CORS_ORIGINS", "*", "--PORTCULLIS_CORS_CREDENTIALS", "true");

        HttpResponseMessage response = await gateway.SendRawAsync(HttpMethod.Options, "/things", Preflight("https://app.example.com"));

        Assert.Equal("https://app.example.com", Header(response, "Access-Control-Allow-Origin"));
        Assert.Equal("true", Header(response, "Access-Control-Allow-Credentials"));
    }

    [Theory]
    [InlineData("PORTCULLIS_CORS_ORIGINS", "app.example.com")]
    [InlineData("PORTCULLIS_CORS_ORIGINS", "https://app.example.com/path")]
    [InlineData("PORTCULLIS_CORS_MAX_AGE", "forever")]
    [InlineData("PORTCULLIS_CORS_CREDENTIALS", "yes")]
    public async Task BadCorsSetting_RefusesToStart_NamingIt(string name, string value)
    {
        string[] args = name == "PORTCULLIS_CORS_ORIGINS" ? ["--" + name, value] : ["--PORTCULLIS_CORS_ORIGINS", "*", "--" + name, value];

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => StartAsync(AllowCorsConfig, args));

        Assert.Contains(name, error.Message, StringComparison.Ordinal);
    }

    private Task<TestGateway> StartAsync(string config, params string[] args) =>
        TestGateway.StartAsync(config, _backend.BaseAddress, null, ["--PORTCULLIS_BACKEND_AUTH", "off", .. args]);

    private static Action<HttpRequestMessage> Preflight(string origin) => r =>
    {
        r.Headers.Add("Origin", origin);
        r.Headers.Add("Access-Control-Request-Method", "GET");
        r.Headers.Add("Access-Control-Request-Headers", "x-api-key");
    };

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out IEnumerable<string>? values) || response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(",", values)
            : null;
}
