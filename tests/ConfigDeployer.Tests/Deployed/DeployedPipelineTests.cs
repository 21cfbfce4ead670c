using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Portcullis.PolicyEngine.Keys;
using Portcullis.Testing;

namespace Portcullis.ConfigDeployer.Tests.Deployed;

/// <summary>
/// The deployed programs (the Native AOT binaries in CI, see <see cref="FunctionBinary"/>) as processes:
/// the deployer checks callers' Google ID tokens (Google.Apis.Auth, which reads tokens and keys with
/// Newtonsoft.Json by reflection: what trimming breaks), validates and stores configs in a <c>dir:</c>
/// store, and a gateway process polling that store serves each new version and a rollback.
/// </summary>
public sealed class DeployedPipelineTests : IAsyncLifetime
{
    private const string Audience = "https://deployer.test.run.app";
    private const string DeployerEmail = "ci-deployer@test-project.iam.gserviceaccount.com";
    private static readonly string s_key = ApiKeys.FromBody("deployedpipeline00000000000000");
    private FakeMetadataServer _metadata = null!;
    private EchoBackend _backend = null!;
    private string _directory = null!;
    private FunctionProcess _deployer = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _metadata = await FakeMetadataServer.StartAsync();
        _backend = await EchoBackend.StartAsync();
        _directory = Directory.CreateTempSubdirectory("portcullis-deployed-pipeline-").FullName;
        _deployer = await FunctionProcess.StartAsync(
            FunctionBinary.For("ConfigDeployer"),
            [
                ("K_SERVICE", "portcullis-deployer-test"),
                ("GCE_METADATA_HOST", _metadata.HostAndPort),
                ("PORTCULLIS_CONFIG", Store),
                ("PORTCULLIS_AUDIENCE", Audience),
                ("PORTCULLIS_DEPLOYERS", DeployerEmail),
                ("PORTCULLIS_JWKS_URL", new Uri(_metadata.BaseAddress, "/jwks").ToString()),
            ]);
        _client = new HttpClient { BaseAddress = _deployer.Address, Timeout = TimeSpan.FromSeconds(30) };
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _deployer.DisposeAsync();
        await _backend.DisposeAsync();
        await _metadata.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    private string Store => "dir:" + Path.Combine(_directory, "configs");

    [Fact]
    public async Task Callers_WithoutTokenOrAllowedEmail_AreRefused()
    {
        (HttpStatusCode none, _) = await DeployAsync(Config(""), email: null);
        (HttpStatusCode stranger, JsonElement body) = await DeployAsync(Config(""), email: "stranger@example.com");
        (HttpStatusCode wrongAudience, _) = await DeployAsync(Config(""), audience: "https://elsewhere.example.com");

        Assert.Equal(HttpStatusCode.Unauthorized, none);
        Assert.True(stranger == HttpStatusCode.Forbidden, $"{stranger} {body}\n{_deployer.Output()}");
        Assert.Contains("stranger@example.com may not deploy", body.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongAudience);
    }

    [Fact]
    public async Task Deploy_Broken_Rollback_ReachTheGatewayProcess()
    {
        (HttpStatusCode status, JsonElement body) = await DeployAsync(Config(""));
        Assert.True(status == HttpStatusCode.OK, $"{status} {body}\n{_deployer.Output()}");
        Assert.Equal("1", body.GetProperty("version").GetString());
        await File.WriteAllTextAsync(Path.Combine(_directory, "keyring.json"), Keyring.Serialize([Keyring.NewRecord(s_key, "acme", DateTimeOffset.UtcNow.AddMinutes(-1))]));
        await using FunctionProcess gateway = await FunctionProcess.StartAsync(
            FunctionBinary.For("Gateway"),
            [
                ("K_SERVICE", "portcullis-gateway-test"),
                ("GCE_METADATA_HOST", _metadata.HostAndPort),
                ("PORTCULLIS_CONFIG", Store),
                ("PORTCULLIS_KEYS", Path.Combine(_directory, "keyring.json")),
                ("PORTCULLIS_POLL_SECONDS", "0.2"),
            ]);
        using var gatewayClient = new HttpClient { BaseAddress = gateway.Address, Timeout = TimeSpan.FromSeconds(30) };
        Assert.Equal(HttpStatusCode.OK, (await gatewayClient.GetAsync("/things?key=" + s_key)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await gatewayClient.GetAsync("/more")).StatusCode);

        (status, body) = await DeployAsync(Config("  /more:\n    get: { operationId: more, security: [] }"));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("2", body.GetProperty("version").GetString());
        Assert.True(await EventuallyAsync(gatewayClient, "/more", HttpStatusCode.OK), gateway.Output());

        (status, body) = await DeployAsync(Config("  /broken/x{y}:\n    get: { operationId: broken, security: [{ nope: [] }] }"));
        Assert.Equal((HttpStatusCode)422, status);
        Assert.Equal(2, body.GetProperty("diagnostics").GetArrayLength());

        using var rollback = new HttpRequestMessage(HttpMethod.Post, "/v1/configs:rollback")
        {
            Content = new StringContent("{\"version\":\"1\"}", Encoding.UTF8, "application/json"),
        };
        Authorize(rollback, DeployerEmail, Audience);
        Assert.Equal(HttpStatusCode.OK, (await _client.SendAsync(rollback)).StatusCode);
        Assert.True(await EventuallyAsync(gatewayClient, "/more", HttpStatusCode.NotFound), gateway.Output());
        Assert.Equal(HttpStatusCode.OK, (await gatewayClient.GetAsync("/things?key=" + s_key)).StatusCode);
    }

    private string Config(string paths) => $$"""
        swagger: "2.0"
        info: { title: Pipeline, version: "1" }
        x-google-backend: { address: "{{_backend.BaseAddress.GetLeftPart(UriPartial.Authority)}}" }
        securityDefinitions:
          api_key: { type: apiKey, name: key, in: query }
        security: [{ api_key: [] }]
        paths:
          /things:
            get: { operationId: listThings }
        {{paths}}
        """;

    private async Task<(HttpStatusCode Status, JsonElement Body)> DeployAsync(string content, string? email = DeployerEmail, string audience = Audience)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/configs") { Content = new StringContent(content, Encoding.UTF8, "application/yaml") };
        Authorize(request, email, audience);
        HttpResponseMessage response = await _client.SendAsync(request);
        string body = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, body.Length == 0 ? default : JsonDocument.Parse(body).RootElement.Clone());
    }

    private void Authorize(HttpRequestMessage request, string? email, string audience)
    {
        if (email is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _metadata.MintIdToken(audience, email));
        }
    }

    private static async Task<bool> EventuallyAsync(HttpClient client, string target, HttpStatusCode expected)
    {
        var elapsed = System.Diagnostics.Stopwatch.StartNew();
        while (elapsed.Elapsed < TimeSpan.FromSeconds(15))
        {
            if ((await client.GetAsync(target)).StatusCode == expected)
            {
                return true;
            }

            await Task.Delay(100);
        }

        return false;
    }
}
