using System.Net;
using Portcullis.Gateway.Tests.Infrastructure;
using Portcullis.Testing;

namespace Portcullis.Gateway.Tests;

/// <summary>Backend slow, backend down, no ID token: each answers in ESPv2's shape and never forwards unauthenticated.</summary>
public sealed class GatewayFailureTests : GatewayTestBase
{
    private const string Valid = TestGateway.ValidKey;
    internal override Task<TestGateway> StartGatewayAsync(EchoBackend backend) => TestGateway.StartAsync(Configs.Bookstore, backend.BaseAddress);

    [Fact]
    public async Task BackendSlowerThanDeadline_Is504()
    {
        Backend.ResponseDelay = TimeSpan.FromSeconds(5);

        HttpResponseMessage response = await Gateway.GetAsync("/v1/slow?key=" + Valid);

        await ErrorAssert.IsAsync(response, HttpStatusCode.GatewayTimeout, "upstream request timeout");
    }

    [Fact]
    public async Task BackendDown_Is503()
    {
        HttpResponseMessage response = await Gateway.GetAsync("/v1/down?key=" + Valid);

        // Envoy answers a connect failure 503 (router.cc: only a protocol error is 502).
        await ErrorAssert.IsAsync(
            response,
            HttpStatusCode.ServiceUnavailable,
            "upstream connect error or disconnect/reset before headers. reset reason: connection failure");
    }

    [Fact]
    public async Task NoIdToken_Is503_AndNothingIsForwarded()
    {
        Gateway.Metadata.FailIdentityFor("https://no-token-for-this.example.com");

        HttpResponseMessage response = await Gateway.GetAsync("/v1/notoken");

        await ErrorAssert.IsAsync(response, HttpStatusCode.ServiceUnavailable, "UNAVAILABLE: Token not found for the backend audience.");
        Assert.Equal(0, Backend.RequestCount);
    }

    [Fact]
    public async Task BackendStatusAndBody_PassThroughUnchanged()
    {
        Backend.StatusCode = 418;

        HttpResponseMessage response = await Gateway.GetAsync("/v1/shelves?key=" + Valid);

        Assert.Equal((HttpStatusCode)418, response.StatusCode);
    }
}
