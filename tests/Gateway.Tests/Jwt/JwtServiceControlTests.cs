using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Portcullis.Gateway.Tests.Infrastructure;
using Portcullis.Testing;

namespace Portcullis.Gateway.Tests.Jwt;

/// <summary>
/// In Service Control mode: a JWT-only call makes no Check and is reported with ESPv2's
/// <c>jwtauth:</c> credential id; a JWT-rejected call is still reported, with its 401; JWT AND key
/// checks the key only after the JWT passed.
/// </summary>
public sealed class JwtServiceControlTests : IAsyncLifetime
{
    private const string GoogleKey = "AIzaSyFakeGoogleApiKey0000000000000000";
    private FakeIssuer _issuer = null!;
    private FakeServiceControl _serviceControl = null!;
    private EchoBackend _backend = null!;
    private TestGateway _gateway = null!;

    public async Task InitializeAsync()
    {
        _issuer = await FakeIssuer.StartAsync();
        _serviceControl = await FakeServiceControl.StartAsync();
        _backend = await EchoBackend.StartAsync();
        _gateway = await TestGateway.StartAsync(
            JwtConfigs.Shapes.With(_issuer.Url),
            _backend.BaseAddress,
            null,
            "--PORTCULLIS_KEYS", "servicecontrol", "--PORTCULLIS_SERVICE_CONTROL_URL", _serviceControl.BaseAddress.ToString());
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _backend.DisposeAsync();
        await _serviceControl.DisposeAsync();
        await _issuer.DisposeAsync();
    }

    [Fact]
    public async Task JwtOnly_NoCheck_ReportedWithCredentialId_RejectedStillReported()
    {
        string token = _issuer.Token(JwtConfigs.Audience);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync("/jwt", token)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _gateway.GetAsync("/jwt")).StatusCode);

        for (int i = 0; i < 100 && _serviceControl.ReportedRequests() < 2; i++)
        {
            await Task.Delay(100);
        }

        Assert.Equal(0, _serviceControl.CheckCalls);
        List<JsonNode> operations = _serviceControl.Reports.SelectMany(r => r["operations"]!.AsArray()).Select(o => o!).ToList();
        JsonNode accepted = Assert.Single(operations, o => o["labels"]!["/response_code"]!.ToString() == "200");
        string expected = "jwtauth:issuer=" + B64(_issuer.Url) + "&audience=" + B64(JwtConfigs.Audience);
        Assert.Equal(expected, accepted["labels"]!["/credential_id"]!.ToString());
        Assert.Null(accepted["consumerId"]);

        JsonNode refused = Assert.Single(operations, o => o["labels"]!["/response_code"]!.ToString() == "401");
        Assert.EndsWith(".JwtOnly", refused["operationName"]!.ToString(), StringComparison.Ordinal);
        Assert.Null(refused["labels"]!["/credential_id"]);
    }

    [Fact]
    public async Task JwtAndKey_KeyCheckedOnlyAfterTheJwt()
    {
        await ErrorAssert.IsAsync(await _gateway.GetAsync("/jwt-and-key?key=" + GoogleKey), HttpStatusCode.Unauthorized, "Jwt is missing");
        Assert.Equal(0, _serviceControl.CheckCalls);

        Assert.Equal(HttpStatusCode.OK, (await SendAsync("/jwt-and-key?key=" + GoogleKey, _issuer.Token(JwtConfigs.Audience))).StatusCode);
        Assert.Equal(1, _serviceControl.CheckCalls);
    }

    private Task<HttpResponseMessage> SendAsync(string target, string token) =>
        _gateway.GetAsync(target, r => r.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token));

    private static string B64(string text) => System.Buffers.Text.Base64Url.EncodeToString(Encoding.UTF8.GetBytes(text));
}
