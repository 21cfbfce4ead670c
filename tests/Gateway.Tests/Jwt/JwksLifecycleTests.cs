using System.Net;
using Portcullis.Gateway.Tests.Infrastructure;
using Portcullis.Testing;

namespace Portcullis.Gateway.Tests.Jwt;

/// <summary>
/// JWKS fetching: at load, in the background, the last good keys kept through an outage, 401
/// <c>Jwks remote fetch is failed</c> with no keys, and the unknown-<c>kid</c> refetch (at most one
/// per issuer per 30 s) that Envoy does not do. Waits poll with generous bounds; nothing is timed.
/// </summary>
public sealed class JwksLifecycleTests
{
    [Fact]
    public async Task BackgroundRefresh_KeepsLastGoodKeysThroughAnOutage()
    {
        await using FakeIssuer issuer = await FakeIssuer.StartAsync();
        await using EchoBackend backend = await EchoBackend.StartAsync();
        await using TestGateway gateway = await TestGateway.StartAsync(JwtConfigs.Single().With(issuer.Url), backend.BaseAddress, null, "--PORTCULLIS_JWKS_REFRESH_SECONDS", "1");
        Assert.True(await UntilAsync(() => issuer.Fetches("/jwks") >= 1), "the keys were not fetched at load");

        Assert.True(await UntilAsync(() => issuer.Fetches("/jwks") >= 3), "the keys were not refreshed in the background");

        issuer.Outage = true;
        int before = issuer.Fetches("/jwks");
        Assert.True(await UntilAsync(() => issuer.Fetches("/jwks") >= before + 2), "no refresh was tried during the outage");

        // A token never seen before (no verified-token cache hit) still verifies with the last good keys.
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(gateway, issuer.Token(JwtConfigs.Audience, "bob"))).StatusCode);
    }

    [Fact]
    public async Task SlowIssuerAtStart_DoesNotHoldUpTheListener_AJwtRequestJoinsTheFetch()
    {
        await using FakeIssuer issuer = await FakeIssuer.StartAsync();
        var hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        issuer.Hold = hold;
        await using EchoBackend backend = await EchoBackend.StartAsync();

        // Serving while the issuer has not answered the load's fetch yet.
        await using TestGateway gateway = await TestGateway.StartAsync(JwtConfigs.Single().With(issuer.Url), backend.BaseAddress);
        Assert.True(await UntilAsync(() => issuer.Fetches("/jwks") == 1), "the keys were not fetched at load");
        Assert.False(hold.Task.IsCompleted);

        // A JWT call that comes first waits for that fetch (not a 401, not a second fetch).
        Task<HttpResponseMessage> waiting = SendAsync(gateway, issuer.Token(JwtConfigs.Audience));
        await Task.Delay(300);
        Assert.False(waiting.IsCompleted, "the call was answered before the issuer's keys arrived");
        hold.SetResult();
        Assert.Equal(HttpStatusCode.OK, (await waiting).StatusCode);
        Assert.Equal(1, issuer.Fetches("/jwks"));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task NoKeysAtLoad_401FetchFailed_ThenRecovers(bool outage)
    {
        await using FakeIssuer issuer = await FakeIssuer.StartAsync();
        issuer.Outage = outage;
        issuer.Malformed = !outage;
        await using EchoBackend backend = await EchoBackend.StartAsync();
        await using TestGateway gateway = await TestGateway.StartAsync(JwtConfigs.Single().With(issuer.Url), backend.BaseAddress, null, "--PORTCULLIS_JWKS_REFRESH_SECONDS", "1");
        string token = issuer.Token(JwtConfigs.Audience);

        HttpResponseMessage refused = await SendAsync(gateway, token);
        await ErrorAssert.IsAsync(refused, HttpStatusCode.Unauthorized, "Jwks remote fetch is failed");
        Assert.EndsWith(", error=\"invalid_token\"", refused.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);

        issuer.Outage = false;
        issuer.Malformed = false;
        Assert.True(await UntilAsync(async () => (await SendAsync(gateway, token)).StatusCode == HttpStatusCode.OK), "the gateway did not pick up the keys once the issuer answered");
    }

    [Fact]
    public async Task UnknownKid_OneRefetch_PicksUpARotationAtOnce_ThenRateLimited()
    {
        await using FakeIssuer issuer = await FakeIssuer.StartAsync();
        await using EchoBackend backend = await EchoBackend.StartAsync();
        await using TestGateway gateway = await TestGateway.StartAsync(JwtConfigs.Single().With(issuer.Url), backend.BaseAddress);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(gateway, issuer.Token(JwtConfigs.Audience))).StatusCode);
        Assert.Equal(1, issuer.Fetches("/jwks"));

        IssuerKey old = issuer.Key;
        var rotated = IssuerKey.Rsa();
        issuer.Publish(rotated, old);

        Assert.Equal(HttpStatusCode.OK, (await SendAsync(gateway, issuer.Token(JwtConfigs.Audience))).StatusCode);
        Assert.Equal(2, issuer.Fetches("/jwks"));

        // Another unknown kid right after: no second refetch; Envoy's answer.
        using IssuerKey stranger = IssuerKey.Rsa();
        await ErrorAssert.IsAsync(await SendAsync(gateway, issuer.Sign(issuer.Claims(JwtConfigs.Audience), stranger)), HttpStatusCode.Unauthorized, "Jwks doesn't have key to match kid or alg from Jwt");
        Assert.Equal(2, issuer.Fetches("/jwks"));
    }

    private static Task<HttpResponseMessage> SendAsync(TestGateway gateway, string token) =>
        gateway.GetAsync("/jwt", r => r.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token));

    private static Task<bool> UntilAsync(Func<bool> condition) => UntilAsync(() => Task.FromResult(condition()));

    private static async Task<bool> UntilAsync(Func<Task<bool>> condition)
    {
        for (int i = 0; i < 300; i++)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(100);
        }

        return false;
    }
}
