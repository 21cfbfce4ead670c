using System.Net;
using System.Text.Json;
using Portcullis.Gateway.Tests.Infrastructure;
using Portcullis.Testing;

namespace Portcullis.Gateway.Tests.Deployed;

/// <summary>
/// The deployed program (the Native AOT binary in CI, see <see cref="FunctionBinary"/>) on the Bookstore
/// config: routing, key checks, path translation, ID tokens to the backend, ESPv2 errors and the
/// Cloud Logging lines. Trimming has broken the AOT build at run time while it compiled cleanly, so the
/// behaviours are checked on the binary itself, not only on the in-process app.
/// </summary>
public sealed class DeployedGatewayTests(DeployedBookstore bookstore) : IClassFixture<DeployedBookstore>
{
    private const string Valid = TestGateway.ValidKey;
    private const string NotValid = "INVALID_ARGUMENT: API key not valid. Please pass a valid API key.";

    private EchoBackend Backend => bookstore.Backend;

    private DeployedGateway Gateway => bookstore.Gateway;

    [Theory]
    [InlineData("/v1/shelves?key=" + Valid, "/api/v1/shelves")]
    [InlineData("/v1/shelves?a=1&key=" + Valid + "&b=2", "/api/v1/shelves?a=1&b=2")]
    [InlineData("/v1/shelves/a%20b?key=" + Valid, "/api/v1/shelves/a%20b")]
    [InlineData("/v1/shelves/7/books/9?lang=en&key=" + Valid, "/books/lookup?lang=en&shelf=7&book=9")]
    [InlineData("/v1/files/a/b/c.txt?key=" + Valid, "/files?path=a/b/c.txt")]
    [InlineData("/v1/passthrough?key=" + Valid, "/pass/v1/passthrough")]
    public async Task PathTranslation_ForwardsEspTarget_WithoutTheKey(string target, string expected)
    {
        Backend.Clear();

        HttpResponseMessage response = await Gateway.GetAsync(target);

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}\n{Gateway.Process.Output()}");
        Assert.Equal(expected, Assert.Single(Backend.Requests).RawTarget);
    }

    [Fact]
    public async Task IdTokens_PerAudience_FromTheMetadataServer_AndConsumerHeader()
    {
        Backend.Clear();

        await Gateway.GetAsync("/v1/shelves?key=" + Valid);
        await Gateway.GetAsync("/v1/shelves/1/books/2?key=" + Valid);
        await Gateway.GetAsync("/v1/passthrough?key=" + Valid);

        Assert.Equal(3, Backend.RequestCount);
        string defaultAudience = Backend.BaseAddress.GetLeftPart(UriPartial.Authority);
        Assert.True(bookstore.Metadata.TryValidateIdToken(Token(Backend.Requests[0]), defaultAudience, out string? error), error);
        Assert.True(bookstore.Metadata.TryValidateIdToken(Token(Backend.Requests[1]), "https://books.example.com", out error), error);
        Assert.Null(Backend.Requests[2].Header("Authorization"));
        Assert.Equal("acme", Backend.Requests[0].Header("X-Portcullis-Consumer"));
    }

    [Theory]
    [InlineData("/v1/shelves", HttpStatusCode.Unauthorized, "UNAUTHENTICATED: Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.")]
    [InlineData("/v1/shelves?key=" + TestGateway.UnknownKey, HttpStatusCode.BadRequest, NotValid)]
    [InlineData("/v1/shelves?key=" + TestGateway.RevokedKey, HttpStatusCode.BadRequest, NotValid)]
    [InlineData("/v1/shelves?key=" + TestGateway.ExpiredKey, HttpStatusCode.BadRequest, "INVALID_ARGUMENT: API key expired. Please renew the API key.")]
    [InlineData("/v1/shelves/1?key=" + TestGateway.LimitedKey, HttpStatusCode.Forbidden, "PERMISSION_DENIED: The API targeted by this request is invalid for the given API key.")]
    [InlineData("/v2/anything?key=" + Valid, HttpStatusCode.NotFound, "The current request is not defined by this API.")]
    public async Task Refusals_AreEspErrors_AndNothingIsForwarded(string target, HttpStatusCode status, string message)
    {
        Backend.Clear();

        HttpResponseMessage response = await Gateway.GetAsync(target);

        await ErrorAssert.IsAsync(response, status, message);
        Assert.Equal(0, Backend.RequestCount);
    }

    [Fact]
    public async Task KnownTemplateWrongMethod_Is405NamingTheTemplate()
    {
        HttpResponseMessage response = await Gateway.Client.DeleteAsync("/v1/shelves/3?key=" + Valid);

        await ErrorAssert.IsAsync(
            response,
            HttpStatusCode.MethodNotAllowed,
            "The current request is matched to the defined url template \"/v1/shelves/{shelf}\" but its http method is not allowed");
    }

    [Fact]
    public async Task BackendDown_Is503_BackendTooSlow_Is504()
    {
        HttpResponseMessage down = await Gateway.GetAsync("/v1/down?key=" + Valid);
        Backend.ResponseDelay = TimeSpan.FromSeconds(5);
        HttpResponseMessage slow;
        try
        {
            slow = await Gateway.GetAsync("/v1/slow?key=" + Valid);
        }
        finally
        {
            Backend.ResponseDelay = TimeSpan.Zero;
        }

        await ErrorAssert.IsAsync(down, HttpStatusCode.ServiceUnavailable, "upstream connect error or disconnect/reset before headers. reset reason: connection failure");
        await ErrorAssert.IsAsync(slow, HttpStatusCode.GatewayTimeout, "upstream request timeout");
    }

    [Fact]
    public async Task NoIdToken_Is503_AndNothingIsForwarded()
    {
        Backend.Clear();

        HttpResponseMessage response = await Gateway.GetAsync("/v1/notoken");

        await ErrorAssert.IsAsync(response, HttpStatusCode.ServiceUnavailable, "UNAVAILABLE: Token not found for the backend audience.");
        Assert.Equal(0, Backend.RequestCount);
    }

    [Fact]
    public async Task RequestLines_AreCloudLoggingJson_WithoutTheKey()
    {
        string marker = "line" + Guid.NewGuid().ToString("N")[..8];

        await Gateway.GetAsync($"/v1/shelves/{marker}?key=" + Valid);
        await Gateway.GetAsync($"/v1/shelves/{marker}");

        JsonElement[] lines = await Gateway.Process.WaitForLinesAsync(
            l => l.TryGetProperty("httpRequest", out JsonElement r) && r.GetProperty("requestUrl").GetString()!.Contains(marker, StringComparison.Ordinal),
            count: 2);
        JsonElement ok = lines.Single(l => l.GetProperty("httpRequest").GetProperty("status").GetInt32() == 200);
        Assert.Equal($"/v1/shelves/{marker}", ok.GetProperty("httpRequest").GetProperty("requestUrl").GetString());
        Assert.Equal("INFO", ok.GetProperty("severity").GetString());
        Assert.Contains(lines, l => l.GetProperty("httpRequest").GetProperty("status").GetInt32() == 401);
        Assert.DoesNotContain(Valid, Gateway.Process.Output(), StringComparison.Ordinal);
    }

    private static string Token(RecordedRequest request)
    {
        string? authorization = request.Header("Authorization");
        Assert.NotNull(authorization);
        Assert.StartsWith("Bearer ", authorization, StringComparison.Ordinal);
        return authorization["Bearer ".Length..];
    }
}
