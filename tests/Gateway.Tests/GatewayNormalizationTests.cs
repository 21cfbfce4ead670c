using System.Net;
using Portcullis.Gateway.Tests.Infrastructure;
using Portcullis.Testing;

namespace Portcullis.Gateway.Tests;

/// <summary>The path that is checked is the path that is forwarded, whatever the encoding on the wire.</summary>
public sealed class GatewayNormalizationTests : GatewayTestBase
{
    private const string Valid = TestGateway.ValidKey;
    internal override Task<TestGateway> StartGatewayAsync(EchoBackend backend) => TestGateway.StartAsync(Configs.Bookstore, backend.BaseAddress);

    [Theory]
    [InlineData("/v1/a/../shelves", "/api/v1/shelves")]
    [InlineData("/v1/./shelves", "/api/v1/shelves")]
    [InlineData("//v1//shelves", "/api/v1/shelves")]
    [InlineData("/v1/%73helves", "/api/v1/shelves")]
    [InlineData("/v1/%2e%2e/v1/shelves", "/api/v1/shelves")]
    [InlineData("/v1/shelves/", "/api/v1/shelves/")]
    [InlineData("/v1/shelves//", "/api/v1/shelves/")]
    [InlineData("/v1/shelves/a%2Fb", "/api/v1/shelves/a%2Fb")]
    [InlineData("/v1/shelves/a%2fb", "/api/v1/shelves/a%2Fb")]
    [InlineData("/v1/%41bc/../shelves/%41", "/api/v1/shelves/A")]
    // "..%2Fshelves" is one segment of data, which the final ".." removes.
    [InlineData("/v1/health/..%2Fshelves/..", "/api/v1/health/")]
    public async Task EquivalentPaths_AreMatchedAndForwardedNormalized(string path, string forwarded)
    {
        HttpResponseMessage response = await Gateway.GetAsync(path + "?key=" + Valid);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(forwarded, Backend.Last!.RawTarget);
    }

    [Theory]
    [InlineData("/v1/health/../shelves")]
    [InlineData("/v1/health/%2E%2E/shelves")]
    [InlineData("/v1/health/.%2E/shelves")]
    [InlineData("/v1//health/../../v1/shelves")]
    public async Task DotSegments_FromPublicIntoProtected_StillNeedAKey(string path)
    {
        HttpResponseMessage response = await Gateway.GetAsync(path);

        Assert.True(
            response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.NotFound,
            $"{path} → {(int)response.StatusCode}");
        Assert.Equal(0, Backend.RequestCount);
    }

    [Theory]
    [InlineData("/v1/shelves%2F7")]
    [InlineData("/V1/shelves")]
    [InlineData("/v1/Shelves")]
    [InlineData("/v1/shelves/7/books")]
    public async Task NotAMatch_Is404(string path)
    {
        HttpResponseMessage response = await Gateway.GetAsync(path + "?key=" + Valid);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(0, Backend.RequestCount);
    }

    [Fact]
    public async Task PathOver8192Bytes_Is400WithEspMessage()
    {
        string path = "/v1/files/" + new string('a', 8192);

        HttpResponseMessage response = await Gateway.GetAsync(path + "?key=" + Valid);

        await ErrorAssert.IsAsync(response, HttpStatusCode.BadRequest, "Path is too long, max allowed size is 8192.");
    }

    [Theory]
    [InlineData("/v1/shelves/%zz")]
    [InlineData("/v1/shelves/%4")]
    [InlineData("/v1/shelves/%00")]
    public async Task MalformedEscape_Is400(string path)
    {
        HttpResponseMessage response = await Gateway.GetAsync(path + "?key=" + Valid);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, Backend.RequestCount);
    }

    [Theory]
    [InlineData("/v1/health#frag")]
    [InlineData("/v1/he\u0001alth")]
    [InlineData("/v1/he alth")]
    public async Task FragmentOrControlCharacterOnTheWire_Is400(string target)
    {
        (int status, _) = await RawHttp.SendAsync(Gateway.Address, target);

        Assert.Equal(400, status);
        Assert.Equal(0, Backend.RequestCount);
    }
}
