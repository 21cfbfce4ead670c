using System.Net;
using Portcullis.Gateway.Tests.Infrastructure;
using Portcullis.Testing;

namespace Portcullis.Gateway.Tests.CloudEndpoints;

/// <summary>
/// <c>basePath</c> over real HTTP, as Google applies it: googleapis/api-compiler
/// (<c>HttpRuleGenerator</c>, commit b7924f8) makes every route <c>basePath + path</c>, so a request
/// must carry the base path; <c>APPEND_PATH_TO_ADDRESS</c> forwards the whole request path (ESPv2
/// path_rewrite: address path + request path), <c>CONSTANT_ADDRESS</c> only the address path.
/// </summary>
public sealed class BasePathForwardingTests : GatewayTestBase
{
    private const string Pets = """
        swagger: "2.0"
        info: { title: Pets, version: "1" }
        host: pets.endpoints.test-project.cloud.goog
        basePath: /v1
        x-google-backend: { address: "{backend}/api" }
        security: []
        paths:
          /pets:
            get: { operationId: listPets }
          /pets/{petId}:
            get:
              operationId: getPet
              x-google-backend: { address: "{backend}/getPet" }
        """;

    internal override Task<TestGateway> StartGatewayAsync(EchoBackend backend) => TestGateway.StartAsync(Pets, backend.BaseAddress);

    [Theory]
    [InlineData("/v1/pets?limit=2", "/api/v1/pets?limit=2")]
    [InlineData("/v1/pets/", "/api/v1/pets/")]
    [InlineData("/v1/pets/7", "/getPet?petId=7")]
    public async Task BasePath_IsRoutedAndTranslatedAsGoogle(string target, string forwarded)
    {
        HttpResponseMessage response = await Gateway.GetAsync(target);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(forwarded, Backend.Last!.RawTarget);
    }

    [Theory]
    [InlineData("/pets")]
    [InlineData("/pets/7")]
    [InlineData("/v1")]
    [InlineData("/v2/pets")]
    public async Task PathWithoutBasePath_Is404(string target)
    {
        HttpResponseMessage response = await Gateway.GetAsync(target);

        await ErrorAssert.IsAsync(response, HttpStatusCode.NotFound, "The current request is not defined by this API.");
        Assert.Null(Backend.Last);
    }
}
