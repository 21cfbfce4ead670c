using System.Net;
using Portcullis.Gateway.Tests.Infrastructure;
using Portcullis.Testing;

namespace Portcullis.Gateway.Tests;

/// <summary>What reaches the backend: translated path, ID token, headers in and out, never the key.</summary>
public sealed class GatewayForwardingTests : GatewayTestBase
{
    private const string Valid = TestGateway.ValidKey;
    internal override Task<TestGateway> StartGatewayAsync(EchoBackend backend) => TestGateway.StartAsync(Configs.Bookstore, backend.BaseAddress);

    [Theory]
    // APPEND_PATH_TO_ADDRESS (top-level default): address path + request path, query kept, key removed.
    [InlineData("/v1/shelves?key=" + Valid, "/api/v1/shelves")]
    [InlineData("/v1/shelves?a=1&key=" + Valid + "&b=2", "/api/v1/shelves?a=1&b=2")]
    [InlineData("/v1/shelves/?key=" + Valid, "/api/v1/shelves/")]
    [InlineData("/v1/shelves/a%20b?key=" + Valid, "/api/v1/shelves/a%20b")]
    // CONSTANT_ADDRESS: original query first, then path variables, raw.
    [InlineData("/v1/shelves/7/books/9?key=" + Valid, "/books/lookup?shelf=7&book=9")]
    [InlineData("/v1/shelves/7/books/9?lang=en&key=" + Valid, "/books/lookup?lang=en&shelf=7&book=9")]
    [InlineData("/v1/shelves/a%20b/books/9%3B8?key=" + Valid, "/books/lookup?shelf=a%20b&book=9%3B8")]
    // ** keeps its slashes.
    [InlineData("/v1/files/a/b/c.txt?key=" + Valid, "/files?path=a/b/c.txt")]
    // ... but not the request's trailing slashes (ESPv2 binds "a/b" for ".../a/b/" and ".../a/b///").
    [InlineData("/v1/files/a/b/?key=" + Valid, "/files?path=a/b")]
    [InlineData("/v1/files/a/b///?key=" + Valid, "/files?path=a/b")]
    // Escaped control characters are routed as data, as ESPv2 routes them, and forwarded escaped.
    [InlineData("/v1/shelves/a%0ab?key=" + Valid, "/api/v1/shelves/a%0Ab")]
    [InlineData("/v1/shelves/7/books/%09?key=" + Valid, "/books/lookup?shelf=7&book=%09")]
    public async Task PathTranslation_ForwardsEspTarget(string target, string expected)
    {
        HttpResponseMessage response = await Gateway.GetAsync(target);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(expected, Backend.Last!.RawTarget);
    }

    [Fact]
    public async Task IdToken_DefaultAudience_IsSchemeHostPortOfAddress()
    {
        await Gateway.GetAsync("/v1/shelves?key=" + Valid);

        string audience = Backend.BaseAddress.GetLeftPart(UriPartial.Authority);
        string? authorization = Backend.Last!.Header("Authorization");
        Assert.NotNull(authorization);
        Assert.StartsWith("Bearer ", authorization, StringComparison.Ordinal);
        Assert.True(Gateway.Metadata.TryValidateIdToken(authorization["Bearer ".Length..], audience, out string? error), error);
        Assert.False(Gateway.Metadata.TryValidateIdToken(authorization["Bearer ".Length..], "https://books.example.com", out _));
    }

    [Fact]
    public async Task IdToken_ExplicitJwtAudience_IsUsed()
    {
        await Gateway.GetAsync("/v1/shelves/1/books/2?key=" + Valid);

        string token = Backend.Last!.Header("Authorization")!["Bearer ".Length..];
        Assert.True(Gateway.Metadata.TryValidateIdToken(token, "https://books.example.com", out string? error), error);
    }

    [Fact]
    public async Task CallerAuthorization_MovesToXForwardedAuthorization_InboundCopyDropped()
    {
        await Gateway.GetAsync("/v1/shelves?key=" + Valid, r =>
        {
            r.Headers.TryAddWithoutValidation("Authorization", "Bearer end-user-token");
            r.Headers.TryAddWithoutValidation("X-Forwarded-Authorization", "Bearer forged");
        });

        RecordedRequest received = Backend.Last!;
        Assert.Equal("Bearer end-user-token", received.Header("X-Forwarded-Authorization"));
        Assert.Single(received.Headers["X-Forwarded-Authorization"]);
        Assert.NotEqual("Bearer end-user-token", received.Header("Authorization"));
    }

    [Fact]
    public async Task InboundXForwardedAuthorization_WithoutCallerAuthorization_IsDropped()
    {
        await Gateway.GetAsync("/v1/shelves?key=" + Valid, r => r.Headers.TryAddWithoutValidation("X-Forwarded-Authorization", "Bearer forged"));

        Assert.Null(Backend.Last!.Header("X-Forwarded-Authorization"));
    }

    [Fact]
    public async Task DisableAuth_KeepsCallerAuthorization_AddsNoToken()
    {
        await Gateway.GetAsync("/v1/passthrough?key=" + Valid, r => r.Headers.TryAddWithoutValidation("Authorization", "Bearer end-user-token"));

        RecordedRequest received = Backend.Last!;
        Assert.Equal("/pass/v1/passthrough", received.RawTarget);
        Assert.Equal("Bearer end-user-token", received.Header("Authorization"));
        Assert.Null(received.Header("X-Forwarded-Authorization"));
    }

    [Theory]
    [InlineData("/v1/shelves?key=" + Valid + "&api_key=" + Valid)]
    [InlineData("/v1/shelves?k%65y=" + Valid)]
    public async Task ApiKey_NeverReachesBackend_QueryOrHeader(string target)
    {
        await Gateway.GetAsync(target, r =>
        {
            r.Headers.Add("x-api-key", Valid);
            r.Headers.Add("X-Partner-Key", Valid);
        });

        RecordedRequest received = Backend.Last!;
        Assert.DoesNotContain(Valid, received.RawTarget, StringComparison.Ordinal);
        Assert.DoesNotContain(received.Headers, h => h.Value.Any(v => v.Contains(Valid, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task ApiKey_OnPublicOperation_IsStrippedToo()
    {
        await Gateway.GetAsync("/v1/health?key=" + Valid + "&q=1", r => r.Headers.Add("x-api-key", Valid));

        Assert.Equal("/api/v1/health?q=1", Backend.Last!.RawTarget);
        Assert.Null(Backend.Last!.Header("x-api-key"));
    }

    [Fact]
    public async Task SpoofedIdentityHeaders_AreRemoved_OnPublicAndReplacedOnKeyed()
    {
        static void Spoof(HttpRequestMessage r)
        {
            r.Headers.Add("X-Portcullis-Consumer", "admin");
            r.Headers.Add("X-Portcullis-Key-Id", "forged");
            r.Headers.Add("x-portcullis-anything", "forged");
        }

        await Gateway.GetAsync("/v1/health", Spoof);
        RecordedRequest anonymous = Backend.Last!;
        Assert.Null(anonymous.Header("X-Portcullis-Consumer"));
        Assert.Null(anonymous.Header("X-Portcullis-Key-Id"));
        Assert.Null(anonymous.Header("X-Portcullis-Anything"));

        await Gateway.GetAsync("/v1/shelves?key=" + Valid, Spoof);
        RecordedRequest keyed = Backend.Last!;
        Assert.Equal(["acme"], keyed.Headers["X-Portcullis-Consumer"]);
        Assert.Equal(12, keyed.Header("X-Portcullis-Key-Id")!.Length);
        Assert.NotEqual("forged", keyed.Header("X-Portcullis-Key-Id"));
    }

    [Fact]
    public async Task Forwarding_SetsBackendHostAndForwardedHeaders_StripsMethodOverride()
    {
        await Gateway.GetAsync("/v1/shelves?key=" + Valid, r => r.Headers.Add("X-HTTP-Method-Override", "DELETE"));

        RecordedRequest received = Backend.Last!;
        Assert.Equal(Backend.BaseAddress.Authority, received.Header("Host"));
        Assert.Equal("127.0.0.1", received.Header("X-Forwarded-For"));
        Assert.Equal("http", received.Header("X-Forwarded-Proto"));
        Assert.Equal(Gateway.Address.Authority, received.Header("X-Forwarded-Host"));
        Assert.Null(received.Header("X-HTTP-Method-Override"));
        Assert.Equal("GET", received.Method);
    }

    [Fact]
    public async Task RequestBody_IsStreamedToBackend()
    {
        byte[] body = new byte[256 * 1024];
        Random.Shared.NextBytes(body);
        HttpResponseMessage response = await Gateway.SendRawAsync(HttpMethod.Post, "/v1/shelves?key=" + Valid, r => r.Content = new ByteArrayContent(body));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(body, Backend.Last!.Body);
    }
}
