using System.Net;
using Portcullis.Gateway.Tests.Infrastructure;
using Portcullis.Testing;

namespace Portcullis.Gateway.Tests;

/// <summary>Key locations, their precedence, security inheritance and the error bodies, over real HTTP.</summary>
public sealed class GatewayKeyTests : GatewayTestBase
{
    private const string Valid = TestGateway.ValidKey;
    internal override Task<TestGateway> StartGatewayAsync(EchoBackend backend) => TestGateway.StartAsync(Configs.Bookstore, backend.BaseAddress);

    [Theory]
    [InlineData("/v1/shelves?key=" + Valid, null, null)]
    [InlineData("/v1/shelves?api_key=" + Valid, null, null)]
    [InlineData("/v1/shelves", "x-api-key", Valid)]
    [InlineData("/v1/shelves", "X-API-KEY", Valid)]
    [InlineData("/v1/partners", "X-Partner-Key", Valid)]
    [InlineData("/v1/partners", "x-partner-key", Valid)]
    [InlineData("/v1/either?key=" + Valid, null, null)]
    [InlineData("/v1/either", "X-Partner-Key", Valid)]
    public async Task KeyLocation_ValidKey_IsForwarded(string target, string? header, string? value)
    {
        HttpResponseMessage response = await Gateway.GetAsync(target, r =>
        {
            if (header is not null)
            {
                r.Headers.Add(header, value);
            }
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("acme", Backend.Last!.Header("X-Portcullis-Consumer"));
    }

    [Theory]
    // ESPv2 order: query key, then query api_key, then header x-api-key; the first present wins.
    [InlineData("/v1/shelves?api_key=ptc_wrong&key=" + Valid, null, HttpStatusCode.OK)]
    [InlineData("/v1/shelves?key=ptc_wrong&api_key=" + Valid, null, HttpStatusCode.BadRequest)]
    [InlineData("/v1/shelves?key=" + Valid, "ptc_wrong", HttpStatusCode.OK)]
    [InlineData("/v1/shelves?api_key=ptc_wrong", Valid, HttpStatusCode.BadRequest)]
    [InlineData("/v1/shelves?key=" + Valid + "&key=ptc_wrong", null, HttpStatusCode.OK)]
    [InlineData("/v1/shelves?key=&api_key=" + Valid, null, HttpStatusCode.Unauthorized)]
    public async Task KeyLocations_SeveralPresent_FirstInEspOrderWins(string target, string? headerKey, HttpStatusCode expected)
    {
        HttpResponseMessage response = await Gateway.GetAsync(target, r =>
        {
            if (headerKey is not null)
            {
                r.Headers.Add("x-api-key", headerKey);
            }
        });

        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task CustomLocation_ReplacesDefaults_QueryKeyIsNotRead()
    {
        HttpResponseMessage response = await Gateway.GetAsync("/v1/partners?key=" + Valid);

        await ErrorAssert.IsAsync(response, HttpStatusCode.Unauthorized, Errors.ErrorResponses.MissingKeyMessage);
        Assert.Equal(0, Backend.RequestCount);
    }

    [Fact]
    public async Task TopLevelSecurity_Inherited_MissingKeyIs401()
    {
        HttpResponseMessage response = await Gateway.GetAsync("/v1/shelves/7");

        await ErrorAssert.IsAsync(
            response,
            HttpStatusCode.Unauthorized,
            "UNAUTHENTICATED: Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.");
        Assert.Equal(0, Backend.RequestCount);
    }

    [Fact]
    public async Task EmptySecurity_NoKeyNeeded_AndSentKeyIsNotChecked()
    {
        HttpResponseMessage plain = await Gateway.GetAsync("/v1/health");
        HttpResponseMessage withBadKey = await Gateway.GetAsync("/v1/health?key=ptc_not_a_key");

        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        Assert.Equal(HttpStatusCode.OK, withBadKey.StatusCode);
        Assert.Null(Backend.Last!.Header("X-Portcullis-Consumer"));
        Assert.Equal("/api/v1/health", Backend.Last!.RawTarget);
    }

    [Fact]
    public async Task OptionalKey_AbsentIsAllowed_PresentIsChecked()
    {
        HttpResponseMessage anonymous = await Gateway.GetAsync("/v1/optional");
        Assert.Equal(HttpStatusCode.OK, anonymous.StatusCode);
        Assert.Null(Backend.Last!.Header("X-Portcullis-Consumer"));

        HttpResponseMessage bad = await Gateway.GetAsync("/v1/optional?key=ptc_wrong");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);

        HttpResponseMessage good = await Gateway.GetAsync("/v1/optional?key=" + Valid);
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
        Assert.Equal("acme", Backend.Last!.Header("X-Portcullis-Consumer"));
    }

    [Theory]
    [InlineData(TestGateway.UnknownKey)]
    [InlineData("ptc_unknown")]
    [InlineData("ptc_valid00000000000000000000000003i6lTf")]
    public async Task UnknownOrMalformedKey_Is400WithEspMessage(string key)
    {
        HttpResponseMessage response = await Gateway.GetAsync("/v1/shelves?key=" + key);

        await ErrorAssert.IsAsync(response, HttpStatusCode.BadRequest, "INVALID_ARGUMENT: API key not valid. Please pass a valid API key.");
        Assert.Equal(0, Backend.RequestCount);
    }

    [Fact]
    public async Task RevokedKey_Is400NotValid()
    {
        HttpResponseMessage response = await Gateway.GetAsync("/v1/shelves?key=" + TestGateway.RevokedKey);

        await ErrorAssert.IsAsync(response, HttpStatusCode.BadRequest, "INVALID_ARGUMENT: API key not valid. Please pass a valid API key.");
    }

    [Fact]
    public async Task ExpiredKey_Is400WithExpiryMessage()
    {
        HttpResponseMessage response = await Gateway.GetAsync("/v1/shelves?key=" + TestGateway.ExpiredKey);

        await ErrorAssert.IsAsync(response, HttpStatusCode.BadRequest, "INVALID_ARGUMENT: API key expired. Please renew the API key.");
        Assert.Equal(0, Backend.RequestCount);
    }

    [Fact]
    public async Task KeyRestrictedToOtherOperations_Is403()
    {
        HttpResponseMessage allowed = await Gateway.GetAsync("/v1/shelves?key=" + TestGateway.LimitedKey);
        HttpResponseMessage blocked = await Gateway.GetAsync("/v1/shelves/1?key=" + TestGateway.LimitedKey);

        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        await ErrorAssert.IsAsync(blocked, HttpStatusCode.Forbidden, "PERMISSION_DENIED: The API targeted by this request is invalid for the given API key.");
        Assert.Equal(1, Backend.RequestCount);
    }

    [Fact]
    public async Task UnknownPath_Is404_WithoutKeyCheck()
    {
        HttpResponseMessage response = await Gateway.GetAsync("/v2/anything?key=" + Valid);

        await ErrorAssert.IsAsync(response, HttpStatusCode.NotFound, "The current request is not defined by this API.");
    }

    [Fact]
    public async Task KnownTemplateWrongMethod_Is405NamingTheTemplate()
    {
        HttpResponseMessage response = await Gateway.SendRawAsync(HttpMethod.Delete, "/v1/shelves/3?key=" + Valid);

        await ErrorAssert.IsAsync(
            response,
            HttpStatusCode.MethodNotAllowed,
            "The current request is matched to the defined url template \"/v1/shelves/{shelf}\" but its http method is not allowed");
    }
}
