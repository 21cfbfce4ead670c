using System.Net;
using System.Text.Json;
using Portcullis.Testing;

namespace Portcullis.ConfigDeployer.Tests;

/// <summary>
/// A config that names no backend: the deployer stores it only when it knows the gateways' default
/// backend (<c>PORTCULLIS_BACKEND</c>), and says how to give one otherwise (issue 18). The stored
/// config stays as written; each gateway applies its own <c>PORTCULLIS_BACKEND</c>.
/// </summary>
public sealed class DefaultBackendDeployTests
{
    private const string NoBackend = """
        swagger: "2.0"
        info: { title: Echo, version: "1" }
        host: echo-api.endpoints.test-project.cloud.goog
        paths:
          /echo:
            get: { operationId: echo, security: [] }
        """;

    [Fact]
    public async Task NoDefaultBackend_Refused422_SayingHowToGiveOne_NothingStored()
    {
        await using DeployPipeline pipeline = await DeployPipeline.StartAsync();

        (HttpStatusCode status, JsonElement body) = await pipeline.DeployAsync(NoBackend);

        Assert.Equal((HttpStatusCode)422, status);
        string message = Assert.Single(body.GetProperty("diagnostics").EnumerateArray()).GetProperty("message").GetString()!;
        Assert.Contains("GET /echo has no backend", message, StringComparison.Ordinal);
        Assert.Contains("PORTCULLIS_BACKEND=", message, StringComparison.Ordinal);
        (_, JsonElement list) = await pipeline.GetAsync("/v1/configs");
        Assert.Equal(0, list.GetProperty("versions").GetArrayLength());
    }

    [Fact]
    public async Task WithDefaultBackend_Stored_AndGatewaysServeItThroughTheirDefault()
    {
        await using EchoBackend service = await EchoBackend.StartAsync();
        string address = service.BaseAddress.GetLeftPart(UriPartial.Authority);
        await using DeployPipeline pipeline = await DeployPipeline.StartAsync(null, "--PORTCULLIS_BACKEND", address);

        (HttpStatusCode status, JsonElement body) = await pipeline.DeployAsync(NoBackend);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("1", body.GetProperty("version").GetString());

        Running gateway = await pipeline.StartGatewayAsync();
        HttpResponseMessage response = await gateway.Client.GetAsync("/echo?x=1");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("/echo?x=1", service.Last!.RawTarget);
        string token = service.Last.Header("Authorization")!["Bearer ".Length..];
        Assert.True(pipeline.Metadata.TryValidateIdToken(token, address, out string? error), error);
    }
}
