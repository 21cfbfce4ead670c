using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Portcullis.ConfigDeployer;
using Portcullis.Testing;

namespace Portcullis.Cli.Tests.Deploy;

/// <summary><c>portcullis deploy</c> and <c>diff</c> against a real deployer on loopback; the ID token comes from the fake metadata server.</summary>
public sealed class DeployCommandTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("portcullis-cli-deploy-").FullName;
    private WebApplication _deployer = null!;
    private string _url = "";

    public async Task InitializeAsync()
    {
        FakeMetadataServer metadata = await FakeMetadataServer.GetSharedAsync();
        _deployer = DeployerApp.Build(
        [
            "--PORT", "0", "--PORTCULLIS_BIND", "loopback",
            "--PORTCULLIS_CONFIG", "dir:" + Path.Combine(_directory, "store"),
            "--PORTCULLIS_AUDIENCE", "http://127.0.0.1",
            "--PORTCULLIS_DEPLOYERS", FakeMetadataServer.ServiceAccountEmail,
            "--PORTCULLIS_JWKS_URL", new Uri(metadata.BaseAddress, "/jwks").ToString(),
        ]);
        await _deployer.StartAsync();
        _url = _deployer.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
    }

    public async Task DisposeAsync()
    {
        await _deployer.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Deploy_ThenDowngradeRefused_ThenAllowed()
    {
        string v1 = Write("v1.yaml", Config("security: [{ api_key: [] }]"));
        string v2 = Write("v2.yaml", Config(""));

        (int exit, string output, string error) = await RunAsync("deploy", v1, "--url", _url, "--audience", "http://127.0.0.1");
        Assert.True(exit == 0, error);
        Assert.Contains("Deployed version 1", output, StringComparison.Ordinal);

        (exit, output, _) = await RunAsync("deploy", v1, "--url", _url, "--audience", "http://127.0.0.1");
        Assert.Equal(0, exit);
        Assert.Contains("Unchanged", output, StringComparison.Ordinal);

        (exit, _, error) = await RunAsync("deploy", v2, "--url", _url, "--audience", "http://127.0.0.1");
        Assert.Equal(1, exit);
        Assert.Contains("refused (409)", error, StringComparison.Ordinal);
        Assert.Contains("DOWNGRADE", error, StringComparison.Ordinal);

        (exit, output, _) = await RunAsync("deploy", v2, "--url", _url, "--audience", "http://127.0.0.1", "--allow-downgrade");
        Assert.Equal(0, exit);
        Assert.Contains("Deployed version 2", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deploy_InvalidConfig_PrintsDiagnosticsWithLines()
    {
        string bad = Write("bad.yaml", Config("security: [{ ghost: [] }]"));

        (int exit, _, string error) = await RunAsync("deploy", bad, "--url", _url, "--audience", "http://127.0.0.1");

        Assert.Equal(1, exit);
        Assert.Contains("refused (422)", error, StringComparison.Ordinal);
        Assert.Contains($"{bad}:5:", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Diff_MarksDowngrades()
    {
        string v1 = Write("a.yaml", Config("security: [{ api_key: [] }]"));
        string v2 = Write("b.yaml", Config("") + "  /new:\n    get: { operationId: fresh }\n");

        (int exit, string output, _) = await RunAsync("diff", v1, v2);

        Assert.Equal(0, exit);
        Assert.Contains("! GET /things", output, StringComparison.Ordinal);
        Assert.Contains("+ GET /new", output, StringComparison.Ordinal);
        Assert.Contains("1 downgrade(s)", output, StringComparison.Ordinal);
    }

    private static string Config(string security) => $$"""
        swagger: "2.0"
        info: { title: Cli, version: "1" }
        x-google-backend: { address: "https://backend.example.com" }
        securityDefinitions: { api_key: { type: apiKey, name: key, in: query } }
        {{security}}
        paths:
          /things:
            get: { operationId: listThings }

        """;

    private string Write(string name, string content)
    {
        string path = Path.Combine(_directory, name);
        File.WriteAllText(path, content);
        return path;
    }

    private static Task<(int Exit, string Out, string Error)> RunAsync(params string[] args) => ConsoleCapture.RunAsync(TimeProvider.System, args);
}
