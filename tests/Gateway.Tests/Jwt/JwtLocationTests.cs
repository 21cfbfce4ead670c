using System.Net;
using Portcullis.Gateway.Tests.Infrastructure;
using Portcullis.Testing;

namespace Portcullis.Gateway.Tests.Jwt;

/// <summary>
/// <c>x-google-jwt-locations</c>: custom locations replace the defaults (esp-v2#472), prefixes are
/// case-sensitive, and every token found must verify, a repeated header included (esp-v2#594).
/// </summary>
public sealed class JwtLocationTests
{
    [Fact]
    public async Task CustomLocations_ReplaceDefaults()
    {
        await using FakeIssuer issuer = await FakeIssuer.StartAsync();
        await using EchoBackend backend = await EchoBackend.StartAsync();
        string extra = """
                x-google-jwt-locations:
                  - header: X-Token
                    value_prefix: "Token "
                  - query: jwt
            """;
        await using TestGateway gateway = await TestGateway.StartAsync(JwtConfigs.Single("/jwks", extra).With(issuer.Url), backend.BaseAddress);
        string token = issuer.Token(JwtConfigs.Audience);

        await ErrorAssert.IsAsync(await gateway.GetAsync("/jwt", r => r.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token)), HttpStatusCode.Unauthorized, "Jwt is missing");
        await ErrorAssert.IsAsync(await gateway.GetAsync("/jwt?access_token=" + token), HttpStatusCode.Unauthorized, "Jwt is missing");
        Assert.Equal(HttpStatusCode.OK, (await gateway.GetAsync("/jwt", r => r.Headers.TryAddWithoutValidation("x-token", "Token " + token))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await gateway.GetAsync("/jwt?jwt=" + token)).StatusCode);
        await ErrorAssert.IsAsync(await gateway.GetAsync("/jwt", r => r.Headers.TryAddWithoutValidation("X-Token", "token " + token)), HttpStatusCode.Unauthorized, "Jwt is missing");
    }

    [Fact]
    public async Task RepeatedHeader_EveryValueMustVerify()
    {
        await using FakeIssuer issuer = await FakeIssuer.StartAsync();
        await using EchoBackend backend = await EchoBackend.StartAsync();
        await using TestGateway gateway = await TestGateway.StartAsync(JwtConfigs.Single().With(issuer.Url), backend.BaseAddress);
        string token = issuer.Token(JwtConfigs.Audience);

        HttpResponseMessage response = await gateway.GetAsync("/jwt", r => r.Headers.TryAddWithoutValidation("X-Goog-Iap-Jwt-Assertion", [token, issuer.Token("https://elsewhere.example.com")]));

        await ErrorAssert.IsAsync(response, HttpStatusCode.Forbidden, "Audiences in Jwt are not allowed");
    }
}
