using System.Net;
using System.Text;
using Portcullis.Gateway.Tests.Infrastructure;
using Portcullis.Testing;

namespace Portcullis.Gateway.Tests.Jwt;

/// <summary>
/// Every row of ESPv2's check order (extract → parse → iss → nbf/exp ±60 s → aud → keys → signature),
/// each with Envoy's exact text, status and <c>WWW-Authenticate</c>, over real HTTP.
/// </summary>
public sealed class JwtCheckOrderTests : IAsyncLifetime
{
    private FakeIssuer _issuer = null!;
    private EchoBackend _backend = null!;
    private TestGateway _gateway = null!;

    public async Task InitializeAsync()
    {
        _issuer = await FakeIssuer.StartAsync();
        _backend = await EchoBackend.StartAsync();
        _gateway = await TestGateway.StartAsync(JwtConfigs.Single().With(_issuer.Url), _backend.BaseAddress);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _backend.DisposeAsync();
        await _issuer.DisposeAsync();
    }

    public static TheoryData<string, string, string> Malformed => new()
    {
        { "no dots", "abc", "Jwt is not in the form of Header.Payload.Signature with two dots and 3 sections" },
        { "three dots", "a.b.c.d", "Jwt is not in the form of Header.Payload.Signature with two dots and 3 sections" },
        { "header not base64url", "!!.e30.c2ln", "Jwt header is an invalid Base64url encoded" },
        { "header not JSON", B64("not json") + ".e30.c2ln", "Jwt header is an invalid JSON" },
        { "no alg", B64("{\"typ\":\"JWT\"}") + ".e30.c2ln", "Jwt header [alg] field is required and must be a string" },
        { "alg not a string", B64("{\"alg\":256}") + ".e30.c2ln", "Jwt header [alg] field is required and must be a string" },
        { "alg none", B64("{\"alg\":\"none\"}") + ".e30.", "Jwt header [alg] is not supported" },
        { "kid not a string", B64("{\"alg\":\"RS256\",\"kid\":5}") + ".e30.c2ln", "Jwt header [kid] field is not a string" },
        { "payload not base64url", B64("{\"alg\":\"RS256\"}") + ".!!.c2ln", "Jwt payload is an invalid Base64url encoded" },
        { "payload not JSON", B64("{\"alg\":\"RS256\"}") + "." + B64("[1") + ".c2ln", "Jwt payload is an invalid JSON" },
        { "iss not a string", B64("{\"alg\":\"RS256\"}") + "." + B64("{\"iss\":5}") + ".c2ln", "Jwt payload [iss] field is not a string" },
        { "sub not a string", B64("{\"alg\":\"RS256\"}") + "." + B64("{\"sub\":[]}") + ".c2ln", "Jwt payload [sub] field is not a string" },
        { "exp not a number", B64("{\"alg\":\"RS256\"}") + "." + B64("{\"exp\":\"soon\"}") + ".c2ln", "Jwt payload [exp] field is not an integer" },
        { "nbf negative", B64("{\"alg\":\"RS256\"}") + "." + B64("{\"nbf\":-5}") + ".c2ln", "Jwt payload [nbf] field is not a positive 64 bit integer" },
        { "aud a number", B64("{\"alg\":\"RS256\"}") + "." + B64("{\"aud\":5}") + ".c2ln", "Jwt payload [aud] field is not a string or string list" },
        { "signature not base64url", B64("{\"alg\":\"RS256\"}") + ".e30.!!", "Jwt signature is an invalid Base64url encoded" },
    };

    [Fact]
    public async Task NoToken_401JwtIsMissing_WithBareChallenge()
    {
        HttpResponseMessage response = await _gateway.GetAsync("/jwt");

        await ErrorAssert.IsAsync(response, HttpStatusCode.Unauthorized, "Jwt is missing");
        Assert.Equal($"Bearer realm=\"{_gateway.Address.GetLeftPart(UriPartial.Authority)}/jwt\"", response.Headers.WwwAuthenticate.ToString());
        Assert.Equal(0, _backend.RequestCount);
    }

    [Theory]
    [InlineData("bearer ")]
    [InlineData("BEARER ")]
    [InlineData("Basic ")]
    public async Task PrefixIsCaseSensitive_Missing(string prefix)
    {
        string token = _issuer.Token(JwtConfigs.Audience);
        HttpResponseMessage response = await _gateway.GetAsync("/jwt", r => r.Headers.TryAddWithoutValidation("Authorization", prefix + token));

        await ErrorAssert.IsAsync(response, HttpStatusCode.Unauthorized, "Jwt is missing");
    }

    [Theory]
    [MemberData(nameof(Malformed))]
    public async Task MalformedToken_401WithEnvoyText(string name, string token, string message)
    {
        HttpResponseMessage response = await _gateway.GetAsync("/jwt", r => r.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token));

        await ErrorAssert.IsAsync(response, HttpStatusCode.Unauthorized, message);
        Assert.EndsWith(", error=\"invalid_token\"", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.True(_backend.RequestCount == 0, name);
    }

    [Theory]
    [InlineData("https://someone-else.example.com")]
    [InlineData("{issuer}/")]
    [InlineData(null)]
    public async Task WrongOrMissingIssuer_401NotConfigured(string? issuer)
    {
        Dictionary<string, object?> claims = _issuer.Claims(JwtConfigs.Audience);
        claims["iss"] = issuer?.Replace("{issuer}", _issuer.Url, StringComparison.Ordinal);
        if (issuer is null)
        {
            claims.Remove("iss");
        }

        await ErrorAssert.IsAsync(await SendAsync(_issuer.Sign(claims)), HttpStatusCode.Unauthorized, "Jwt issuer is not configured");
    }

    [Theory]
    [InlineData("nbf", 30, HttpStatusCode.OK, null)]
    [InlineData("nbf", 120, HttpStatusCode.Unauthorized, "Jwt not yet valid")]
    [InlineData("exp", -30, HttpStatusCode.OK, null)]
    [InlineData("exp", -120, HttpStatusCode.Unauthorized, "Jwt is expired")]
    public async Task TimeClaims_60SecondSkew(string claim, int offsetSeconds, HttpStatusCode status, string? message)
    {
        Dictionary<string, object?> claims = _issuer.Claims(JwtConfigs.Audience);
        claims[claim] = DateTimeOffset.UtcNow.ToUnixTimeSeconds() + offsetSeconds;

        HttpResponseMessage response = await SendAsync(_issuer.Sign(claims));

        if (message is null)
        {
            Assert.Equal(status, response.StatusCode);
        }
        else
        {
            await ErrorAssert.IsAsync(response, status, message);
        }
    }

    [Fact]
    public async Task NoExp_NeverExpires()
    {
        Dictionary<string, object?> claims = _issuer.Claims(JwtConfigs.Audience);
        claims.Remove("exp");

        Assert.Equal(HttpStatusCode.OK, (await SendAsync(_issuer.Sign(claims))).StatusCode);
    }

    [Theory]
    // Default audience https://SERVICE; scheme and one trailing slash are ignored on both sides.
    [InlineData("https://jwt.endpoints.test-project.cloud.goog", HttpStatusCode.OK)]
    [InlineData("jwt.endpoints.test-project.cloud.goog", HttpStatusCode.OK)]
    [InlineData("http://jwt.endpoints.test-project.cloud.goog/", HttpStatusCode.OK)]
    [InlineData("https://jwt.endpoints.test-project.cloud.goog//", HttpStatusCode.Forbidden)]
    [InlineData("https://other.example.com", HttpStatusCode.Forbidden)]
    [InlineData(null, HttpStatusCode.Forbidden)]
    public async Task Audience_DefaultServiceName(string? audience, HttpStatusCode status)
    {
        HttpResponseMessage response = await SendAsync(_issuer.Token(audience));

        if (status == HttpStatusCode.Forbidden)
        {
            await ErrorAssert.IsAsync(response, HttpStatusCode.Forbidden, "Audiences in Jwt are not allowed");
            Assert.EndsWith(", error=\"invalid_token\"", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        }
        else
        {
            Assert.True(status == response.StatusCode, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    [Fact]
    public async Task AudienceList_AnyMatchAccepts()
    {
        Dictionary<string, object?> claims = _issuer.Claims(null);
        claims["aud"] = new[] { "https://tenant.example.com/userinfo", JwtConfigs.Audience };

        Assert.Equal(HttpStatusCode.OK, (await SendAsync(_issuer.Sign(claims))).StatusCode);
    }

    [Fact]
    public async Task UnknownKid_401NoMatchingKey()
    {
        using IssuerKey stranger = IssuerKey.Rsa();
        string token = _issuer.Sign(_issuer.Claims(JwtConfigs.Audience), stranger);

        await ErrorAssert.IsAsync(await SendAsync(token), HttpStatusCode.Unauthorized, "Jwks doesn't have key to match kid or alg from Jwt");
    }

    [Fact]
    public async Task ForgedSignatureWithPublishedKid_401VerificationFails()
    {
        using IssuerKey forger = IssuerKey.Rsa(keyId: _issuer.Key.KeyId);
        string token = _issuer.Sign(_issuer.Claims(JwtConfigs.Audience), forger);

        await ErrorAssert.IsAsync(await SendAsync(token), HttpStatusCode.Unauthorized, "Jwt verification fails");
    }

    [Fact]
    public async Task AlteredPayload_401VerificationFails()
    {
        string[] parts = _issuer.Token(JwtConfigs.Audience).Split('.');
        string altered = parts[0] + "." + B64(Encoding.UTF8.GetString(Convert.FromBase64String(Pad(parts[1]))).Replace("alice", "admin", StringComparison.Ordinal)) + "." + parts[2];

        await ErrorAssert.IsAsync(await SendAsync(altered), HttpStatusCode.Unauthorized, "Jwt verification fails");
    }

    [Theory]
    [InlineData("HS256")]
    [InlineData("RS384")]
    public async Task AlgorithmTheKeyDoesNotHave_401NoMatchingKey(string algorithm)
    {
        // HS256 over the public key's bytes is the classic confusion attack; a JWK with alg RS256 also refuses RS384.
        var header = new Dictionary<string, object?> { ["alg"] = algorithm, ["kid"] = _issuer.Key.KeyId };
        string token = _issuer.Sign(_issuer.Claims(JwtConfigs.Audience), header: header);

        await ErrorAssert.IsAsync(await SendAsync(token), HttpStatusCode.Unauthorized, "Jwks doesn't have key to match kid or alg from Jwt");
    }

    [Fact]
    public async Task EveryExtractedTokenMustVerify()
    {
        string good = _issuer.Token(JwtConfigs.Audience);
        HttpResponseMessage response = await _gateway.GetAsync("/jwt?access_token=garbage", r => r.Headers.TryAddWithoutValidation("Authorization", "Bearer " + good));

        await ErrorAssert.IsAsync(response, HttpStatusCode.Unauthorized, "Jwt is not in the form of Header.Payload.Signature with two dots and 3 sections");
    }

    [Theory]
    [InlineData("Authorization", "Bearer ")]
    [InlineData("X-Goog-Iap-Jwt-Assertion", "")]
    [InlineData(null, null)]
    public async Task DefaultLocations_AllAccepted(string? header, string? prefix)
    {
        string token = _issuer.Token(JwtConfigs.Audience);
        HttpResponseMessage response = header is null
            ? await _gateway.GetAsync("/jwt?access_token=" + token)
            : await _gateway.GetAsync("/jwt", r => r.Headers.TryAddWithoutValidation(header, prefix + token));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private Task<HttpResponseMessage> SendAsync(string token) =>
        _gateway.GetAsync("/jwt", r => r.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token));

    private static string B64(string text) => System.Buffers.Text.Base64Url.EncodeToString(Encoding.UTF8.GetBytes(text));

    private static string Pad(string base64Url)
    {
        string s = base64Url.Replace('-', '+').Replace('_', '/');
        return s + new string('=', (4 - (s.Length % 4)) % 4);
    }
}
