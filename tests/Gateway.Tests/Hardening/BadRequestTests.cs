using System.Text;
using System.Text.Json;
using Portcullis.Gateway.Tests.Infrastructure;
using Portcullis.Testing;

namespace Portcullis.Gateway.Tests.Hardening;

/// <summary>
/// Malformed, oversized and ambiguous requests, written byte for byte on a loopback socket to the
/// real Kestrel pipeline: each gets a pinned status (ESPv2's where ESPv2 has one, Kestrel's own
/// where Kestrel refuses first) and none reaches the backend unless it is pinned as forwarded.
/// </summary>
public sealed class BadRequestTests : GatewayTestBase
{
    private const string Valid = TestGateway.ValidKey;
    private const string Wrong = TestGateway.UnknownKey;
    private const string InvalidKeyMessage = "INVALID_ARGUMENT: API key not valid. Please pass a valid API key.";

    internal override Task<TestGateway> StartGatewayAsync(EchoBackend backend) => TestGateway.StartAsync(Configs.Bookstore, backend.BaseAddress);

    [Fact]
    public async Task PathOver8192Bytes_Is400WithEspMessage_NothingForwarded()
    {
        RawResponse response = await SendAsync("GET", "/v1/files/" + new string('a', 8192) + "?key=" + Valid);

        AssertError(response, 400, "Path is too long, max allowed size is 8192.");
        Assert.Equal(0, Backend.RequestCount);
    }

    [Fact]
    public async Task RequestLineBeyondKestrelLimit_Is414FromKestrel_NothingForwarded()
    {
        // FunctionHost allows a 32 KiB request line (room for the 8192-byte path and a query); past it Kestrel answers.
        RawResponse response = await SendAsync("GET", "/v1/shelves?key=" + Valid + "&pad=" + new string('a', 33 * 1024));

        Assert.Equal(414, response.Status);
        Assert.True(response.Closed);
        Assert.Equal(0, Backend.RequestCount);
    }

    [Fact]
    public async Task HeadersBeyondKestrelLimit_Is431_NothingForwarded()
    {
        RawResponse oneLarge = await SendAsync("GET", "/v1/health", "X-Big: " + new string('a', 33 * 1024));
        RawResponse tooMany = await SendAsync("GET", "/v1/health", [.. Enumerable.Range(0, 101).Select(i => $"X-H{i}: {i}")]);

        Assert.Equal(431, oneLarge.Status);
        Assert.Equal(431, tooMany.Status);
        Assert.Equal(0, Backend.RequestCount);
    }

    [Theory]
    // Escapes of bytes that are not valid UTF-8 (overlong '/', '.', a lone 0xFF) are data, as in
    // ESPv2 (only unreserved characters are decoded): never a separator or a dot segment.
    [InlineData("/v1/shelves/%C0%AF", "/api/v1/shelves/%C0%AF")]
    [InlineData("/v1/shelves/%c0%af", "/api/v1/shelves/%C0%AF")]
    [InlineData("/v1/shelves/%FF", "/api/v1/shelves/%FF")]
    [InlineData("/v1/shelves/%e0%80%ae%e0%80%ae", "/api/v1/shelves/%E0%80%AE%E0%80%AE")]
    public async Task InvalidUtf8Escape_IsKeptAsData(string path, string forwarded)
    {
        RawResponse response = await SendAsync("GET", path + "?key=" + Valid);

        Assert.Equal(200, response.Status);
        Assert.Equal(forwarded, Backend.Last!.RawTarget);
    }

    [Theory]
    [InlineData("/v1/health/%C0%AE%C0%AE/shelves")]
    [InlineData("/v1/health/%C0%AF..%C0%AF/v1/shelves")]
    public async Task OverlongDotsAndSlashes_DoNotClimbOutOfAPublicPath(string path)
    {
        RawResponse response = await SendAsync("GET", path);

        AssertError(response, 404, "The current request is not defined by this API.");
        Assert.Equal(0, Backend.RequestCount);
    }

    [Theory]
    [InlineData("/v1/shelves/%zz")]
    [InlineData("/v1/shelves/%4")]
    [InlineData("/v1/shelves/%")]
    [InlineData("/v1/shelves/%%41")]
    public async Task MalformedEscape_Is400_NothingForwarded(string path)
    {
        RawResponse response = await SendAsync("GET", path + "?key=" + Valid);

        AssertError(response, 400, "INVALID_ARGUMENT: Path contains a malformed or disallowed percent-encoding.");
        Assert.Equal(0, Backend.RequestCount);
    }

    [Theory]
    [InlineData("/v1/shelves/\u00c0\u00af")]
    [InlineData("/v1/shelves/\u00ff")]
    public async Task RawNonAsciiBytesInPath_Is400_NothingForwarded(string path)
    {
        RawResponse response = await SendAsync("GET", path + "?key=" + Valid);

        Assert.Equal(400, response.Status);
        Assert.Equal(0, Backend.RequestCount);
    }

    [Theory]
    // Kestrel decodes the path for HttpRequest.Path and refuses a NUL, escaped or not, before the gateway runs.
    [InlineData("/v1/shelves/%00")]
    [InlineData("/v1/he\0alth")]
    [InlineData("/v1/health?x=\0")]
    public async Task NulInPathOrQuery_Is400FromKestrel_NothingForwarded(string target)
    {
        RawResponse response = await SendAsync("GET", target);

        Assert.Equal(400, response.Status);
        Assert.Equal(0, Backend.RequestCount);
    }

    [Fact]
    public async Task EscapedNulInQuery_IsForwardedAsData_AndIsNoKey()
    {
        RawResponse data = await SendAsync("GET", "/v1/health?x=%00");
        RawResponse key = await SendAsync("GET", "/v1/shelves?key=" + Valid + "%00");

        Assert.Equal(200, data.Status);
        Assert.Equal("/api/v1/health?x=%00", Backend.Last!.RawTarget);
        AssertError(key, 400, InvalidKeyMessage);
        Assert.Equal(1, Backend.RequestCount);
    }

    [Theory]
    [InlineData("X-Thing: a\0b")]
    [InlineData("X-Th\0ing: ab")]
    [InlineData("x-api-key: " + Valid + "\0")]
    public async Task NulInHeader_Is400FromKestrel_NothingForwarded(string header)
    {
        RawResponse response = await SendAsync("GET", "/v1/shelves", header);

        Assert.Equal(400, response.Status);
        Assert.Equal(0, Backend.RequestCount);
    }

    [Theory]
    // ESPv2 (Envoy, headers_with_underscores_action REJECT_REQUEST) refuses these; a backend behind
    // a CGI-style server would read x_api_key as X-API-KEY.
    [InlineData("/v1/health", "X_Custom: 1")]
    [InlineData("/v1/shelves", "x_api_key: " + Valid)]
    [InlineData("/v1/shelves?key=" + Valid, "X_Forwarded_For: 10.0.0.1")]
    public async Task HeaderNameWithUnderscore_Is400_NothingForwarded(string target, string header)
    {
        RawResponse response = await SendAsync("GET", target, header);

        AssertError(response, 400, "INVALID_ARGUMENT: Header names with underscores are not allowed.");
        Assert.Equal(0, Backend.RequestCount);
    }

    [Fact]
    public async Task KeyInQueryAndHeader_QueryWins_HeaderNotConsulted_BothStripped()
    {
        RawResponse validInQuery = await SendAsync("GET", "/v1/shelves?key=" + Valid + "&a=1", "x-api-key: " + Wrong);
        RawResponse wrongInQuery = await SendAsync("GET", "/v1/shelves?key=" + Wrong, "x-api-key: " + Valid);

        Assert.Equal(200, validInQuery.Status);
        AssertError(wrongInQuery, 400, InvalidKeyMessage);
        RecordedRequest forwarded = Assert.Single(Backend.Requests);
        Assert.Equal("/api/v1/shelves?a=1", forwarded.RawTarget);
        Assert.Null(forwarded.Header("x-api-key"));
        Assert.Equal("acme", forwarded.Header("X-Portcullis-Consumer"));
    }

    [Theory]
    [InlineData("?key=" + Valid + "&key=" + Wrong, 200)]
    [InlineData("?key=" + Wrong + "&key=" + Valid, 400)]
    [InlineData("?key=" + Valid + "&api_key=" + Wrong + "&key=" + Wrong, 200)]
    [InlineData("?k%65y=" + Valid + "&key=" + Wrong, 200)]
    public async Task DuplicateKeyParameters_FirstWins_AllStripped(string query, int status)
    {
        RawResponse response = await SendAsync("GET", "/v1/shelves" + query + "&b=2");

        Assert.Equal(status, response.Status);
        if (status == 200)
        {
            Assert.Equal("/api/v1/shelves?b=2", Backend.Last!.RawTarget);
        }
        else
        {
            Assert.Equal(0, Backend.RequestCount);
        }
    }

    [Theory]
    [InlineData("X-HTTP-Method-Override")]
    [InlineData("X-HTTP-Method")]
    [InlineData("X-Method-Override")]
    public async Task MethodOverrideHeaders_NeverChangeMatching_NeverForwarded(string header)
    {
        // GET /v1/health is public; POST is not defined there. POST /v1/shelves needs a key.
        RawResponse postAsGet = await SendAsync("POST", "/v1/health", header + ": GET", "Content-Length: 0");
        RawResponse getAsPost = await SendAsync("GET", "/v1/shelves?key=" + Valid, header + ": POST");
        RawResponse getAsDelete = await SendAsync("GET", "/v1/health", header + ": DELETE");

        Assert.Equal(405, postAsGet.Status);
        Assert.Equal(200, getAsPost.Status);
        Assert.Equal(200, getAsDelete.Status);
        Assert.Equal(2, Backend.RequestCount);
        Assert.All(Backend.Requests, r =>
        {
            Assert.Equal("GET", r.Method);
            Assert.Null(r.Header(header));
        });
    }

    [Theory]
    // Request smuggling (RFC 9112 §6.1): a front end that frames by Content-Length and a back end
    // that frames by chunks disagree on where the next request starts.
    [InlineData("POST", "/v1/shelves?key=" + Valid, "Content-Length: 5\r\nTransfer-Encoding: chunked", "0\r\n\r\n")]
    [InlineData("POST", "/v1/shelves?key=" + Valid, "Transfer-Encoding: chunked\r\nContent-Length: 30", "5\r\nhello\r\n0\r\n\r\n")]
    [InlineData("GET", "/v1/health", "Content-Length: 0\r\nTransfer-Encoding: chunked", "0\r\n\r\n")]
    public async Task ContentLengthWithTransferEncoding_Is400_NothingForwarded(string method, string target, string framing, string body)
    {
        RawResponse response = await SendAsync(method, target, framing, body);

        AssertError(response, 400, "INVALID_ARGUMENT: A request must not carry both Content-Length and Transfer-Encoding.");
        Assert.True(response.Closed, "the connection must close: the two framings disagree on what follows");
        Assert.Equal(0, Backend.RequestCount);
    }

    [Theory]
    [InlineData("Content-Length: 5\r\nContent-Length: 6")]
    [InlineData("Content-Length: 5, 6")]
    [InlineData("Content-Length: 5\r\nContent-Length: 5")]
    [InlineData("Transfer-Encoding: gzip")]
    public async Task AmbiguousFraming_Is400FromKestrel_NothingForwarded(string framing)
    {
        RawResponse response = await SendAsync("POST", "/v1/shelves?key=" + Valid, framing, "hello!");

        Assert.Equal(400, response.Status);
        Assert.True(response.Closed);
        Assert.Equal(0, Backend.RequestCount);
    }

    private Task<RawResponse> SendAsync(string method, string target, params string[] headers) => SendAsync(method, target, string.Join("\r\n", headers), "");

    private async Task<RawResponse> SendAsync(string method, string target, string headers, string body)
    {
        byte[] head = RawHttpConnection.Request(method, target, Gateway.Address, headers.Length == 0 ? [] : [headers]);
        byte[] request = [.. head, .. Encoding.Latin1.GetBytes(body)];
        return await RawHttpConnection.SendOnceAsync(Gateway.Address, request);
    }

    private static void AssertError(RawResponse response, int status, string message)
    {
        Assert.True(status == response.Status, $"expected {status}, got {response.Status}: {response.Head}\n{response.BodyText}");
        Assert.StartsWith("application/json", response.Header("Content-Type"), StringComparison.Ordinal);
        using JsonDocument json = JsonDocument.Parse(response.Body);
        Assert.Equal(status, json.RootElement.GetProperty("code").GetInt32());
        Assert.Equal(message, json.RootElement.GetProperty("message").GetString());
    }
}
