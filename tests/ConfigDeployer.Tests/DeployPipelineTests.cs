using System.Net;
using System.Text.Json;

namespace Portcullis.ConfigDeployer.Tests;

/// <summary>End to end on loopback: deployer + two gateways + a dir: store + the fakes.</summary>
public sealed class DeployPipelineTests : IAsyncLifetime
{
    private DeployPipeline _pipeline = null!;

    public async Task InitializeAsync()
    {
        _pipeline = await DeployPipeline.StartAsync();
        (HttpStatusCode status, JsonElement body) = await _pipeline.DeployAsync(_pipeline.Config(""));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("1", body.GetProperty("version").GetString());
        await _pipeline.StartGatewayAsync();
        await _pipeline.StartGatewayAsync();
    }

    public async Task DisposeAsync() => await _pipeline.DisposeAsync();

    [Fact]
    public async Task Lifecycle_Deploy_Broken_Downgrade_Rollback()
    {
        string v2 = _pipeline.Config("  /more:\n    get: { operationId: more, security: [] }");
        (HttpStatusCode status, JsonElement body) = await _pipeline.DeployAsync(v2);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("2", body.GetProperty("version").GetString());
        Assert.Contains(body.GetProperty("diff").EnumerateArray(), c => c.GetProperty("kind").GetString() == "added" && c.GetProperty("operation").GetString() == "GET /more");
        Assert.True(await _pipeline.AllGatewaysAsync("/more", HttpStatusCode.OK), "v2 never reached both gateways");

        // A broken config: 422 with every diagnostic, nothing stored, gateways stay on v2.
        (status, body) = await _pipeline.DeployAsync(_pipeline.Config("  /broken/x{y}:\n    get: { operationId: broken, security: [{ nope: [] }] }"));
        Assert.Equal((HttpStatusCode)422, status);
        Assert.Equal(2, body.GetProperty("diagnostics").GetArrayLength());
        Assert.All(body.GetProperty("diagnostics").EnumerateArray(), d => Assert.True(d.GetProperty("line").GetInt32() > 0));
        (_, JsonElement list) = await _pipeline.GetAsync("/v1/configs");
        Assert.Equal(2, list.GetProperty("versions").GetArrayLength());
        Assert.True(await _pipeline.AllGatewaysAsync("/more", HttpStatusCode.OK));

        // A downgrade: /things loses its key. Refused, then accepted with allowDowngrade.
        string keyless = _pipeline.Config("  /more:\n    get: { operationId: more, security: [] }", security: "");
        (status, body) = await _pipeline.DeployAsync(keyless);
        Assert.Equal(HttpStatusCode.Conflict, status);
        JsonElement downgrade = Assert.Single(body.GetProperty("downgrades").EnumerateArray());
        Assert.Equal("GET /things", downgrade.GetProperty("operation").GetString());
        Assert.True(await _pipeline.AllGatewaysAsync("/things", HttpStatusCode.Unauthorized));

        (status, body) = await _pipeline.DeployAsync(keyless, "?allowDowngrade=true");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("3", body.GetProperty("version").GetString());
        Assert.True(await _pipeline.AllGatewaysAsync("/things", HttpStatusCode.OK));

        // Rollback is a pointer move: v1 is live again.
        (status, body) = await _pipeline.RollbackAsync("1");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(await _pipeline.AllGatewaysAsync("/more", HttpStatusCode.NotFound));
        Assert.True(await _pipeline.AllGatewaysAsync("/things", HttpStatusCode.Unauthorized));
        Assert.True(await _pipeline.AllGatewaysAsync("/things?key=" + DeployPipeline.Key, HttpStatusCode.OK));
        (_, JsonElement live) = await _pipeline.GetAsync("/v1/configs/live");
        Assert.Equal("1", live.GetProperty("info").GetProperty("version").GetString());
    }

    [Fact]
    public async Task SameContentTwice_CreatesNoNewVersion_DryRunStoresNothing()
    {
        (HttpStatusCode status, JsonElement body) = await _pipeline.DeployAsync(_pipeline.Config(""));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(body.GetProperty("unchanged").GetBoolean());
        Assert.Equal("1", body.GetProperty("version").GetString());

        (status, body) = await _pipeline.DeployAsync(_pipeline.Config("  /dry:\n    get: { operationId: dry }"), "?dryRun=true");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(body.GetProperty("dryRun").GetBoolean());
        Assert.Single(body.GetProperty("diff").EnumerateArray());

        (_, JsonElement list) = await _pipeline.GetAsync("/v1/configs");
        Assert.Equal(1, list.GetProperty("versions").GetArrayLength());
    }

    [Fact]
    public async Task Callers_UnknownIs403_BadTokenIs401_NoTokenIs401()
    {
        (HttpStatusCode stranger, JsonElement body) = await _pipeline.DeployAsync(_pipeline.Config(""), email: "stranger@example.com");
        (HttpStatusCode wrongAudience, _) = await _pipeline.DeployAsync(_pipeline.Config(""), audience: "https://elsewhere.example.com");
        (HttpStatusCode none, _) = await _pipeline.DeployAsync(_pipeline.Config(""), email: null);

        Assert.Equal(HttpStatusCode.Forbidden, stranger);
        Assert.Contains("stranger@example.com may not deploy", body.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongAudience);
        Assert.Equal(HttpStatusCode.Unauthorized, none);
    }

    [Fact]
    public async Task TwoDeployersRacing_BothRecordedInOrder_NoneLost()
    {
        string a = _pipeline.Config("  /a:\n    get: { operationId: a }");
        string b = _pipeline.Config("  /b:\n    get: { operationId: b }");

        (HttpStatusCode Status, JsonElement Body)[] results = await Task.WhenAll(
            Task.Run(() => _pipeline.DeployAsync(a)),
            Task.Run(() => _pipeline.DeployAsync(b)));

        Assert.All(results, r => Assert.Equal(HttpStatusCode.OK, r.Status));
        string[] versions = results.Select(r => r.Body.GetProperty("version").GetString()!).Order().ToArray();
        Assert.Equal(["2", "3"], versions);
        (_, JsonElement list) = await _pipeline.GetAsync("/v1/configs");
        Assert.Equal(3, list.GetProperty("versions").GetArrayLength());
        Assert.Equal("3", list.GetProperty("live").GetString());
    }
}
