using System.Net;
using Portcullis.Gateway.Tests.Infrastructure;
using Portcullis.Testing;

namespace Portcullis.Gateway.Tests.Jwt;

/// <summary>
/// Every <c>security</c> shape of the reference's §2 table (inherited, JWT only, JWT OR JWT, JWT AND
/// key, <c>[]</c>, scopes) and the shape ESPv2 cannot do: API key OR JWT, including a request that
/// carries both.
/// </summary>
public sealed class JwtSecurityShapeTests : IAsyncLifetime
{
    private const string Key = TestGateway.ValidKey;
    private FakeIssuer _issuer = null!;
    private EchoBackend _backend = null!;
    private TestGateway _gateway = null!;

    public async Task InitializeAsync()
    {
        _issuer = await FakeIssuer.StartAsync();
        _backend = await EchoBackend.StartAsync();
        _gateway = await TestGateway.StartAsync(JwtConfigs.Shapes.With(_issuer.Url), _backend.BaseAddress);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _backend.DisposeAsync();
        await _issuer.DisposeAsync();
    }

    private string TokenA => _issuer.Token(JwtConfigs.Audience);

    private string TokenB => _issuer.Token("b-client", issuer: "https://b.example.com");

    [Theory]
    [InlineData("/inherited")]
    [InlineData("/jwt")]
    [InlineData("/scopes")]
    [InlineData("/either-jwt")]
    public async Task JwtRequired_NoToken_401Missing_EvenWithAKey(string path)
    {
        await ErrorAssert.IsAsync(await _gateway.GetAsync(path + "?key=" + Key), HttpStatusCode.Unauthorized, "Jwt is missing");
    }

    [Theory]
    [InlineData("/inherited")]
    [InlineData("/jwt")]
    [InlineData("/scopes")]
    public async Task JwtOnly_ValidToken_Forwarded_KeyNotChecked(string path)
    {
        HttpResponseMessage response = await SendAsync(path + "?key=ptc_not_even_well_formed", TokenA);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(_backend.Last!.Header("X-Portcullis-Consumer"));
    }

    [Fact]
    public async Task JwtOrJwt_EitherIssuerPasses()
    {
        Assert.Equal(HttpStatusCode.OK, (await SendAsync("/either-jwt", TokenA)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync("/either-jwt", TokenB)).StatusCode);
    }

    [Fact]
    public async Task JwtOrJwt_ConfiguredAudiencesPerProvider()
    {
        // issuer_b lists "b-client, https://other.example.com/": both parts count, the service default does not.
        Assert.Equal(HttpStatusCode.OK, (await SendAsync("/either-jwt", _issuer.Token("other.example.com", issuer: "https://b.example.com"))).StatusCode);
        await ErrorAssert.IsAsync(await SendAsync("/either-jwt", _issuer.Token(JwtConfigs.Audience, issuer: "https://b.example.com")), HttpStatusCode.Forbidden, "Audiences in Jwt are not allowed");
    }

    [Fact]
    public async Task JwtOrJwt_ThirdIssuer_401NotConfigured()
    {
        await ErrorAssert.IsAsync(await SendAsync("/either-jwt", _issuer.Token(JwtConfigs.Audience, issuer: "https://c.example.com")), HttpStatusCode.Unauthorized, "Jwt issuer is not configured");
    }

    [Fact]
    public async Task JwtAndKey_JwtCheckedFirst()
    {
        // No token: the JWT answer comes before any key is read, even an invalid one.
        await ErrorAssert.IsAsync(await _gateway.GetAsync("/jwt-and-key?key=" + TestGateway.UnknownKey), HttpStatusCode.Unauthorized, "Jwt is missing");

        // Token but no key: the key's answer.
        await ErrorAssert.IsAsync(await SendAsync("/jwt-and-key", TokenA), HttpStatusCode.Unauthorized, Errors.ErrorResponses.MissingKeyMessage);
        await ErrorAssert.IsAsync(await SendAsync("/jwt-and-key?key=" + TestGateway.UnknownKey, TokenA), HttpStatusCode.BadRequest, "INVALID_ARGUMENT: API key not valid. Please pass a valid API key.");

        HttpResponseMessage both = await SendAsync("/jwt-and-key?key=" + Key, TokenA);
        Assert.Equal(HttpStatusCode.OK, both.StatusCode);
        Assert.Equal("acme", _backend.Last!.Header("X-Portcullis-Consumer"));
        Assert.NotNull(_backend.Last!.Header("X-Endpoint-API-UserInfo"));
    }

    [Fact]
    public async Task KeyOrJwt_EitherCredentialAlonePasses()
    {
        HttpResponseMessage byKey = await _gateway.GetAsync("/key-or-jwt?key=" + Key);
        Assert.Equal(HttpStatusCode.OK, byKey.StatusCode);
        Assert.Equal("acme", _backend.Last!.Header("X-Portcullis-Consumer"));
        Assert.Null(_backend.Last!.Header("X-Endpoint-API-UserInfo"));

        HttpResponseMessage byJwt = await SendAsync("/key-or-jwt", TokenA);
        Assert.Equal(HttpStatusCode.OK, byJwt.StatusCode);
        Assert.Null(_backend.Last!.Header("X-Portcullis-Consumer"));
        Assert.NotNull(_backend.Last!.Header("X-Endpoint-API-UserInfo"));
    }

    [Fact]
    public async Task KeyOrJwt_Neither_401AsForAMissingKey()
    {
        await ErrorAssert.IsAsync(await _gateway.GetAsync("/key-or-jwt"), HttpStatusCode.Unauthorized, Errors.ErrorResponses.MissingKeyMessage);
    }

    [Fact]
    public async Task KeyOrJwt_BothGood_PassesWithBothIdentities()
    {
        HttpResponseMessage response = await SendAsync("/key-or-jwt?key=" + Key, TokenA);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("acme", _backend.Last!.Header("X-Portcullis-Consumer"));
        Assert.NotNull(_backend.Last!.Header("X-Endpoint-API-UserInfo"));
    }

    [Fact]
    public async Task KeyOrJwt_OneBad_RefusedForIt()
    {
        // Every credential sent must verify: a good one never hides a bad one.
        await ErrorAssert.IsAsync(await SendAsync("/key-or-jwt?key=" + Key, "e30.e30.c2ln"), HttpStatusCode.Unauthorized, "Jwt header [alg] field is required and must be a string");
        await ErrorAssert.IsAsync(await SendAsync("/key-or-jwt?key=" + TestGateway.RevokedKey, TokenA), HttpStatusCode.BadRequest, "INVALID_ARGUMENT: API key not valid. Please pass a valid API key.");
        await ErrorAssert.IsAsync(await SendAsync("/key-or-jwt?key=" + Key, _issuer.Token("https://wrong.example.com")), HttpStatusCode.Forbidden, "Audiences in Jwt are not allowed");
    }

    [Fact]
    public async Task OptionalJwt_AbsentPasses_PresentMustVerify()
    {
        Assert.Equal(HttpStatusCode.OK, (await _gateway.GetAsync("/optional-jwt")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync("/optional-jwt", TokenA)).StatusCode);
        await ErrorAssert.IsAsync(await SendAsync("/optional-jwt", _issuer.Token(JwtConfigs.Audience, issuer: "https://c.example.com")), HttpStatusCode.Unauthorized, "Jwt issuer is not configured");
    }

    [Fact]
    public async Task EmptySecurity_ChecksNothing_EvenAGarbageToken()
    {
        Assert.Equal(HttpStatusCode.OK, (await SendAsync("/open", "garbage")).StatusCode);
    }

    [Fact]
    public async Task KeyOnly_TokenIgnored()
    {
        Assert.Equal(HttpStatusCode.OK, (await SendAsync("/key?key=" + Key, "garbage")).StatusCode);
        await ErrorAssert.IsAsync(await SendAsync("/key", TokenA), HttpStatusCode.Unauthorized, Errors.ErrorResponses.MissingKeyMessage);
    }

    private Task<HttpResponseMessage> SendAsync(string target, string token) =>
        _gateway.GetAsync(target, r => r.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token));
}
