using System.Net;
using Portcullis.Gateway.Tests.Infrastructure;
using Portcullis.Testing;

namespace Portcullis.Gateway.Tests;

/// <summary>Backend slow, backend down, no ID token: each answers in ESPv2's shape and never forwards unauthenticated.</summary>
public sealed class GatewayFailureTests : IAsyncLifetime
{
    private const string Valid = TestGateway.ValidKey;
    private EchoBackend _backend = null!;
    private TestGateway _gateway = null!;

    public async Task InitializeAsync()
    {
        _backend = await EchoBackend.StartAsync();
        _gateway = await TestGateway.StartAsync(Configs.Bookstore, _backend.BaseAddress);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _backend.DisposeAsync();
    }

    [Fact]
    public async Task BackendSlowerThanDeadline_Is504()
    {
        _backend.ResponseDelay = TimeSpan.FromSeconds(5);

        HttpResponseMessage response = await _gateway.GetAsync("/v1/slow?key=" + Valid);

        await ErrorAssert.IsAsync(response, HttpStatusCode.GatewayTimeout, "upstream request timeout");
    }

    [Fact]
    public async Task BackendDown_Is502()
    {
        HttpResponseMessage response = await _gateway.GetAsync("/v1/down?key=" + Valid);

        await ErrorAssert.IsAsync(
            response,
            HttpStatusCode.BadGateway,
            "upstream connect error or disconnect/reset before headers. reset reason: connection failure");
    }

    [Fact]
    public async Task NoIdToken_Is503_AndNothingIsForwarded()
    {
        _gateway.Metadata.FailIdentityFor("https://no-token-for-this.example.com");

        HttpResponseMessage response = await _gateway.GetAsync("/v1/notoken");

        await ErrorAssert.IsAsync(response, HttpStatusCode.ServiceUnavailable, "UNAVAILABLE: Token not found for the backend audience.");
        Assert.Equal(0, _backend.RequestCount);
    }

    [Fact]
    public async Task BackendStatusAndBody_PassThroughUnchanged()
    {
        _backend.StatusCode = 418;

        HttpResponseMessage response = await _gateway.GetAsync("/v1/shelves?key=" + Valid);

        Assert.Equal((HttpStatusCode)418, response.StatusCode);
    }
}
