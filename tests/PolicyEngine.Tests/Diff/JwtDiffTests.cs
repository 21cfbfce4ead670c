using Portcullis.PolicyEngine.Compilation;
using Portcullis.PolicyEngine.Diff;

namespace Portcullis.PolicyEngine.Tests.Diff;

/// <summary>The deployer's guard for JWT requirements: any change that weakens a method's authentication is a downgrade.</summary>
public sealed class JwtDiffTests
{
    private const string Base = """
        swagger: "2.0"
        info: { title: T, version: "1" }
        host: api.example.com
        x-google-backend: { address: "https://b.example.com" }
        securityDefinitions:
          api_key: { type: apiKey, name: key, in: query }
          firebase:
            type: oauth2
            x-google-issuer: "https://securetoken.google.com/p"
            x-google-jwks_uri: "https://keys.example.com/jwks"
            x-google-audiences: "p"
          other:
            type: oauth2
            x-google-issuer: "https://other.example.com"
            x-google-jwks_uri: "https://other.example.com/jwks"
        paths:
          /a:
            get: { operationId: a, security: [{ firebase: [], api_key: [] }] }
          /b:
            get: { operationId: b, security: [{ firebase: [] }] }
        """;

    [Theory]
    [InlineData("{ operationId: b, security: [{ firebase: [] }] }", "{ operationId: b, security: [] }", "GET /b", "calls without credentials")]
    [InlineData("{ operationId: a, security: [{ firebase: [], api_key: [] }] }", "{ operationId: a, security: [{ api_key: [] }] }", "GET /a", "API key")]
    [InlineData("{ operationId: b, security: [{ firebase: [] }] }", "{ operationId: b, security: [{ firebase: [] }, { other: [] }] }", "GET /b", "JWT from https://other.example.com")]
    [InlineData("{ operationId: b, security: [{ firebase: [] }] }", "{ operationId: b, security: [{ firebase: [] }, { api_key: [] }] }", "GET /b", "API key")]
    [InlineData("x-google-audiences: \"p\"", "x-google-audiences: \"p, q\"", "GET /b", "audiences p, q")]
    [InlineData("x-google-issuer: \"https://securetoken.google.com/p\"", "x-google-issuer: \"https://securetoken.google.com/q\"", "GET /b", "securetoken.google.com/q")]
    [InlineData("x-google-jwks_uri: \"https://keys.example.com/jwks\"", "x-google-jwks_uri: \"https://evil.example.com/jwks\"", "GET /b", "JWT from")]
    public void Weakened_IsADowngrade(string from, string to, string operation, string detail)
    {
        IReadOnlyList<ConfigChange> changes = ConfigDiff.Compare(Compile(Base), Compile(Base.Replace(from, to, StringComparison.Ordinal)));

        ConfigChange downgrade = Assert.Single(changes, c => c.IsDowngrade && c.Operation == operation);
        Assert.Contains(detail, downgrade.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{ operationId: b, security: [{ firebase: [] }] }", "{ operationId: b, security: [{ firebase: [], api_key: [] }] }")]
    [InlineData("x-google-audiences: \"p\"", "x-google-audiences: \"https://p/\"")]
    public void TightenedOrSame_IsNotADowngrade(string from, string to)
    {
        IReadOnlyList<ConfigChange> changes = ConfigDiff.Compare(Compile(Base), Compile(Base.Replace(from, to, StringComparison.Ordinal)));

        Assert.DoesNotContain(changes, c => c.IsDowngrade);
    }

    [Fact]
    public void Unchanged_NoChanges() => Assert.Empty(ConfigDiff.Compare(Compile(Base), Compile(Base)));

    private static Portcullis.PolicyEngine.Policy.ApiPolicy Compile(string config)
    {
        CompileResult result = PolicyCompiler.Compile(config);
        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        return result.Policy!;
    }
}
