using System.Net;
using System.Text.Json;
using Portcullis.Testing;

namespace Portcullis.ConfigDeployer.Tests;

/// <summary>
/// The deployer's downgrade rule for JWTs, end to end: widening who may call a JWT-protected
/// method is refused without <c>allowDowngrade</c>, and the gateways keep enforcing the old rule.
/// </summary>
public sealed class JwtDowngradeTests : IAsyncLifetime
{
    private DeployPipeline _pipeline = null!;
    private FakeIssuer _issuer = null!;

    public async Task InitializeAsync()
    {
        _issuer = await FakeIssuer.StartAsync();
        _pipeline = await DeployPipeline.StartAsync();
        (HttpStatusCode status, _) = await _pipeline.DeployAsync(Config("[{ issuer_a: [] }]"));
        Assert.Equal(HttpStatusCode.OK, status);
        await _pipeline.StartGatewayAsync();
    }

    public async Task DisposeAsync()
    {
        await _pipeline.DisposeAsync();
        await _issuer.DisposeAsync();
    }

    [Theory]
    [InlineData("[{ issuer_a: [] }, { issuer_b: [] }]")]
    [InlineData("[{ issuer_a: [] }, { api_key: [] }]")]
    [InlineData("[]")]
    public async Task WeakerJwtRequirement_RefusedUntilOverridden(string security)
    {
        Assert.True(await _pipeline.AllGatewaysAsync("/secure", HttpStatusCode.Unauthorized), "v1 never required a JWT");

        (HttpStatusCode status, JsonElement body) = await _pipeline.DeployAsync(Config(security));
        Assert.Equal(HttpStatusCode.Conflict, status);
        JsonElement downgrade = Assert.Single(body.GetProperty("downgrades").EnumerateArray());
        Assert.Equal("GET /secure", downgrade.GetProperty("operation").GetString());
        Assert.True(await _pipeline.AllGatewaysAsync("/secure", HttpStatusCode.Unauthorized));

        (status, _) = await _pipeline.DeployAsync(Config(security), "?allowDowngrade=true");
        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task StricterJwtRequirement_Deploys()
    {
        (HttpStatusCode status, JsonElement body) = await _pipeline.DeployAsync(Config("[{ issuer_a: [], api_key: [] }]"));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains(body.GetProperty("diff").EnumerateArray(), c => c.GetProperty("operation").GetString() == "GET /secure");
    }

    private string Config(string security) => _pipeline.Config($$"""
          /secure:
            get: { operationId: secure, security: {{security}} }
        """).Replace("securityDefinitions:\n", $$"""
        securityDefinitions:
          issuer_a: { type: oauth2, flow: implicit, authorizationUrl: "", x-google-issuer: "{{_issuer.Url}}", x-google-jwks_uri: "{{_issuer.JwksUrl}}", x-google-audiences: "pipeline" }
          issuer_b: { type: oauth2, flow: implicit, authorizationUrl: "", x-google-issuer: "https://b.example.com", x-google-jwks_uri: "{{_issuer.JwksUrl}}", x-google-audiences: "pipeline" }

        """, StringComparison.Ordinal);
}
