using System.Net;
using System.Text.Json;
using Portcullis.Testing;

namespace Portcullis.ConfigDeployer.Tests;

/// <summary>The same pipeline on a Secret Manager config store: outages and size limits.</summary>
public sealed class SecretManagerPipelineTests : IAsyncLifetime
{
    private const string Secret = "projects/test-project/secrets/api-config";
    private FakeSecretManager _secretManager = null!;
    private DeployPipeline _pipeline = null!;

    public async Task InitializeAsync()
    {
        _secretManager = await FakeSecretManager.StartAsync();
        _secretManager.CreateSecret(Secret);
        _pipeline = await DeployPipeline.StartAsync("sm://" + Secret, "--PORTCULLIS_SECRET_MANAGER_URL", _secretManager.BaseAddress.ToString());
        Assert.Equal(HttpStatusCode.OK, (await _pipeline.DeployAsync(_pipeline.Config(""))).Status);
        await _pipeline.StartGatewayAsync();
        await _pipeline.StartGatewayAsync();
    }

    public async Task DisposeAsync()
    {
        await _pipeline.DisposeAsync();
        await _secretManager.DisposeAsync();
    }

    [Fact]
    public async Task Deploy_ReachesGatewaysThroughSecretManager_RollbackMovesAlias()
    {
        (HttpStatusCode status, JsonElement body) = await _pipeline.DeployAsync(_pipeline.Config("  /more:\n    get: { operationId: more, security: [] }"));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("2", body.GetProperty("version").GetString());
        Assert.True(await _pipeline.AllGatewaysAsync("/more", HttpStatusCode.OK));

        Assert.Equal(HttpStatusCode.OK, (await _pipeline.RollbackAsync("1")).Status);
        Assert.Equal(1, _secretManager.Alias(Secret, "live"));
        Assert.True(await _pipeline.AllGatewaysAsync("/more", HttpStatusCode.NotFound));
    }

    [Fact]
    public async Task StoreDown_GatewaysKeepServing_DeployIs503AndStoresNothing()
    {
        _secretManager.Fail(503);
        for (int i = 0; i < 10; i++)
        {
            Assert.True(await _pipeline.AllGatewaysAsync("/things?key=" + DeployPipeline.Key, HttpStatusCode.OK));
            await Task.Delay(100);
        }

        (HttpStatusCode status, JsonElement body) = await _pipeline.DeployAsync(_pipeline.Config("  /x:\n    get: { operationId: x }"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Contains("config store is unavailable", body.GetProperty("message").GetString(), StringComparison.Ordinal);

        _secretManager.Heal();
        Assert.Equal([1L], _secretManager.Versions(Secret));
    }

    [Fact]
    public async Task ConfigTooLargeEvenCompressed_IsRefusedClearly()
    {
        var paths = new System.Text.StringBuilder();
        var random = new Random(7);
        for (int i = 0; i < 3000; i++)
        {
            paths.Append($"  /p{i}/{random.NextInt64():x16}{random.NextInt64():x16}:\n    get: {{ operationId: op{i}x{random.NextInt64():x16} }}\n");
        }

        (HttpStatusCode status, JsonElement body) = await _pipeline.DeployAsync(_pipeline.Config(paths.ToString()));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Contains("at most 65536 bytes", body.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal([1L], _secretManager.Versions(Secret));
    }
}
