using Portcullis.PolicyEngine.Compilation;
using Portcullis.PolicyEngine.Diff;
using Portcullis.PolicyEngine.Policy;

namespace Portcullis.PolicyEngine.Tests.Diff;

public sealed class ConfigDiffTests
{
    private const string Base = """
        swagger: "2.0"
        info: { title: T, version: "1" }
        x-google-backend: { address: "https://b.example.com" }
        securityDefinitions:
          api_key: { type: apiKey, name: key, in: query }
        security: [{ api_key: [] }]
        paths:
          /a:
            get:
              operationId: a
              x-google-backend: { address: "https://a.example.com", jwt_audience: "https://aud-a" }
          /b:
            get: { operationId: b }
        """;

    [Theory]
    [InlineData("/b:\n    get: { operationId: b }", "/b:\n    get: { operationId: b, security: [] }", "GET /b", "required → not needed")]
    [InlineData("/b:\n    get: { operationId: b }", "/b:\n    get: { operationId: b, security: [{ api_key: [] }, {}] }", "GET /b", "required → optional")]
    [InlineData("jwt_audience: \"https://aud-a\"", "jwt_audience: \"https://other\"", "GET /a", "audience")]
    [InlineData("jwt_audience: \"https://aud-a\"", "disable_auth: true", "GET /a", "disable_auth turned on")]
    [InlineData("paths:", "x-google-allow: all\npaths:", "*", "x-google-allow: all")]
    public void Compare_Downgrade_IsNamed(string from, string to, string operation, string detail)
    {
        IReadOnlyList<ConfigChange> changes = ConfigDiff.Compare(Compile(Base), Compile(Base.Replace(from, to, StringComparison.Ordinal)));

        ConfigChange downgrade = Assert.Single(changes, c => c.IsDowngrade);
        Assert.Equal(operation, downgrade.Operation);
        Assert.Contains(detail, downgrade.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Compare_AddRemoveAndTightening_AreNotDowngrades()
    {
        string after = Base
            .Replace("/b:\n    get: { operationId: b }", "/c:\n    get: { operationId: c, security: [] }", StringComparison.Ordinal);

        IReadOnlyList<ConfigChange> changes = ConfigDiff.Compare(Compile(Base), Compile(after));

        Assert.Contains(changes, c => c.Kind == ChangeKind.Added && c.Operation == "GET /c");
        Assert.Contains(changes, c => c.Kind == ChangeKind.Removed && c.Operation == "GET /b");
        Assert.DoesNotContain(changes, c => c.IsDowngrade);
        Assert.Empty(ConfigDiff.Compare(Compile(Base), Compile(Base)));
    }

    [Fact]
    public void Compare_FirstDeploy_IsAllAdded()
    {
        IReadOnlyList<ConfigChange> changes = ConfigDiff.Compare(null, Compile(Base));

        Assert.Equal(2, changes.Count);
        Assert.All(changes, c => Assert.Equal(ChangeKind.Added, c.Kind));
    }

    private static ApiPolicy Compile(string yaml) =>
        PolicyCompiler.Compile(yaml).Policy ?? throw new InvalidOperationException(string.Join("\n", PolicyCompiler.Compile(yaml).Diagnostics));
}
