using System.Net;
using Microsoft.AspNetCore.Builder;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Portcullis.Gateway;
using Portcullis.PolicyEngine.Keys;
using Portcullis.Testing;

namespace Portcullis.ConfigDeployer.Tests;

/// <summary>
/// The deployer, a config store, gateways polling it and the fakes, all on loopback: what
/// <c>git push</c> → Cloud Build → deployer → gateways looks like in one process.
/// </summary>
internal sealed class DeployPipeline : IAsyncDisposable
{
    public const string Audience = "https://deployer.test.run.app";
    public const string DeployerEmail = "ci-deployer@test-project.iam.gserviceaccount.com";
    public static readonly string Key = ApiKeys.FromBody("pipeline000000000000000000000a");

    private readonly List<Running> _gateways = [];
    private readonly string _directory;
    private readonly string[] _storeArgs;

    private DeployPipeline(string directory, FakeMetadataServer metadata, EchoBackend backend, Running deployer, string[] storeArgs)
    {
        _directory = directory;
        Metadata = metadata;
        Backend = backend;
        Deployer = deployer;
        _storeArgs = storeArgs;
    }

    public FakeMetadataServer Metadata { get; }

    public EchoBackend Backend { get; }

    public Running Deployer { get; }

    public IReadOnlyList<Running> Gateways => _gateways;

    /// <summary>Starts the deployer on <paramref name="store"/> (null: a fresh <c>dir:</c> store).</summary>
    public static async Task<DeployPipeline> StartAsync(string? store = null, params string[] extraArgs)
    {
        FakeMetadataServer metadata = await FakeMetadataServer.GetSharedAsync();
        EchoBackend backend = await EchoBackend.StartAsync();
        string directory = Directory.CreateTempSubdirectory("portcullis-deploy-").FullName;
        string[] storeArgs = ["--PORTCULLIS_CONFIG", store ?? "dir:" + Path.Combine(directory, "configs"), .. extraArgs];
        Running deployer = await Running.StartAsync(DeployerApp.Build(
        [
            "--PORT", "0", "--PORTCULLIS_BIND", "loopback",
            "--PORTCULLIS_AUDIENCE", Audience,
            "--PORTCULLIS_DEPLOYERS", $"someone-else@example.com, {DeployerEmail}",
            "--PORTCULLIS_JWKS_URL", new Uri(metadata.BaseAddress, "/jwks").ToString(),
            .. storeArgs,
        ]));
        await File.WriteAllTextAsync(Path.Combine(directory, "keyring.json"), Keyring.Serialize([Keyring.NewRecord(Key, "acme", DateTimeOffset.UtcNow)]));
        return new DeployPipeline(directory, metadata, backend, deployer, storeArgs);
    }

    /// <summary>A config with the given extra paths; <c>{backend}</c> is the echo backend.</summary>
    public string Config(string paths, string security = "security: [{ api_key: [] }]") => $$"""
        swagger: "2.0"
        info: { title: Pipeline, version: "1" }
        x-google-backend: { address: "{{Backend.BaseAddress.GetLeftPart(UriPartial.Authority)}}" }
        securityDefinitions:
          api_key: { type: apiKey, name: key, in: query }
        {{security}}
        paths:
          /things:
            get: { operationId: listThings }
        {{paths}}
        """;

    public async Task<Running> StartGatewayAsync()
    {
        WebApplication? app = GatewayApp.Build(
            [
                "--PORT", "0", "--PORTCULLIS_BIND", "loopback",
                "--PORTCULLIS_KEYS", Path.Combine(_directory, "keyring.json"),
                "--PORTCULLIS_POLL_SECONDS", "0.2",
                .. _storeArgs,
            ],
            out IReadOnlyList<string> errors) ?? throw new InvalidOperationException(string.Join("\n", errors));
        Running gateway = await Running.StartAsync(app);
        _gateways.Add(gateway);
        return gateway;
    }

    public async Task<(HttpStatusCode Status, JsonElement Body)> DeployAsync(string content, string query = "", string? email = DeployerEmail, string audience = Audience)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/configs" + query) { Content = new StringContent(content, Encoding.UTF8, "application/yaml") };
        Authorize(request, email, audience);
        return await SendAsync(request);
    }

    public async Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        Authorize(request, DeployerEmail, Audience);
        return await SendAsync(request);
    }

    public async Task<(HttpStatusCode Status, JsonElement Body)> RollbackAsync(string version)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/configs:rollback")
        {
            Content = new StringContent($"{{\"version\":\"{version}\"}}", Encoding.UTF8, "application/json"),
        };
        Authorize(request, DeployerEmail, Audience);
        return await SendAsync(request);
    }

    /// <summary>Waits (bounded, 10 s) until every gateway answers <paramref name="target"/> with <paramref name="expected"/>.</summary>
    public async Task<bool> AllGatewaysAsync(string target, HttpStatusCode expected)
    {
        for (int i = 0; i < 100; i++)
        {
            bool all = true;
            foreach (Running gateway in _gateways)
            {
                all &= (await gateway.Client.GetAsync(target)).StatusCode == expected;
            }

            if (all)
            {
                return true;
            }

            await Task.Delay(100);
        }

        return false;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (Running gateway in _gateways)
        {
            await gateway.DisposeAsync();
        }

        await Deployer.DisposeAsync();
        await Backend.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    private void Authorize(HttpRequestMessage request, string? email, string audience)
    {
        if (email is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Metadata.MintIdToken(audience, email));
        }
    }

    private async Task<(HttpStatusCode, JsonElement)> SendAsync(HttpRequestMessage request)
    {
        HttpResponseMessage response = await Deployer.Client.SendAsync(request);
        string body = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, body.Length == 0 ? default : JsonDocument.Parse(body).RootElement.Clone());
    }
}
