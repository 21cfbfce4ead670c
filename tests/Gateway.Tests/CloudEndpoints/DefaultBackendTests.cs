using System.Net;
using Portcullis.Gateway.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Portcullis.Testing;

namespace Portcullis.Gateway.Tests.CloudEndpoints;

/// <summary>
/// A Cloud Endpoints config with no <c>x-google-backend</c>, served through <c>PORTCULLIS_BACKEND</c>
/// as ESPv2 serves it through <c>--backend</c>: the request path appended, an ID token for the
/// default backend's address (issue 18).
/// </summary>
public sealed class DefaultBackendTests : GatewayTestBase
{
    // Google's Endpoints "echo" sample shape: no x-google-backend anywhere, and the multi-line
    // description from issue 18 whose continuation sits at the key's indentation.
    internal const string EndpointsEcho = """
        swagger: "2.0"
        info:
          title: Endpoints Example
          version: 1.0.0
        host: echo-api.endpoints.test-project.cloud.goog
        consumes: [application/json]
        produces: [application/json]
        schemes: [https]
        paths:
          /echo:
            post:
              operationId: echo
              description: "Echo back a given message, or the nearest
              store based on the caller's location"
              security:
                - api_key: []
          /slow:
            get:
              operationId: slow
              security: []
              x-google-backend:
                deadline: 0.5
        securityDefinitions:
          api_key: { type: apiKey, name: key, in: query }
        """;

    internal override Task<TestGateway> StartGatewayAsync(EchoBackend backend) =>
        TestGateway.StartAsync(EndpointsEcho, backend.BaseAddress, null, "--PORTCULLIS_BACKEND", backend.BaseAddress.GetLeftPart(UriPartial.Authority) + "/svc");

    [Fact]
    public async Task NoBackendInConfig_ForwardsToDefault_AppendingPath_WithIdTokenForIt()
    {
        HttpResponseMessage response = await Gateway.Client.PostAsync("/echo?key=" + TestGateway.ValidKey + "&n=1", new StringContent("{\"message\":\"hi\"}"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        RecordedRequest received = Backend.Last!;
        Assert.Equal("/svc/echo?n=1", received.RawTarget);
        string token = received.Header("Authorization")!["Bearer ".Length..];
        string audience = Backend.BaseAddress.GetLeftPart(UriPartial.Authority);
        Assert.True(Gateway.Metadata.TryValidateIdToken(token, audience, out string? error), error);
    }

    [Fact]
    public async Task NoBackendInConfig_KeyStillRequired()
    {
        HttpResponseMessage response = await Gateway.Client.PostAsync("/echo", new StringContent("{}"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Null(Backend.Last);
    }

    [Fact]
    public async Task AddressLessBackendWithDeadline_GoesToDefault_WithThatDeadline()
    {
        // Under the 15 s default deadline, over the config's 0.5 s: only the config's deadline gives 504.
        Backend.ResponseDelay = TimeSpan.FromSeconds(10);

        HttpResponseMessage response = await Gateway.GetAsync("/slow");

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Equal("/svc/slow", Backend.Last!.RawTarget);
    }

    [Fact]
    public void NoDefaultBackend_GatewayRefusesToLoad_SayingHowToGiveOne()
    {
        string directory = Directory.CreateTempSubdirectory("portcullis-default-").FullName;
        string config = Path.Combine(directory, "openapi.yaml");
        File.WriteAllText(config, EndpointsEcho);
        try
        {
            Microsoft.AspNetCore.Builder.WebApplication? app = GatewayApp.Build(
                ["--PORT", "0", "--PORTCULLIS_BIND", "loopback", "--PORTCULLIS_CONFIG", config, "--PORTCULLIS_KEYS", Path.Combine(directory, "none.json")],
                out IReadOnlyList<string> errors);

            Assert.Null(app);
            string error = Assert.Single(errors, e => e.Contains("POST /echo has no backend", StringComparison.Ordinal));
            Assert.Contains("PORTCULLIS_BACKEND=", error, StringComparison.Ordinal);
            Assert.Contains(errors, e => e.Contains("backend has no 'address'", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Theory]
    [InlineData("echo.example.com", "not an absolute URL")]
    [InlineData("https://echo.example.com/?x=1", "cannot carry a query")]
    public void BadDefaultBackend_StopsStart(string value, string expected)
    {
        InvalidOperationException error = Assert.Throws<InvalidOperationException>(() => GatewayOptions.FromConfiguration(
            new ConfigurationBuilder()
                .AddInMemoryCollection(new Dictionary<string, string?> { ["PORTCULLIS_BACKEND"] = value })
                .Build()));

        Assert.StartsWith("PORTCULLIS_BACKEND: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
