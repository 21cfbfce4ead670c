using Portcullis.PolicyEngine.Compilation;
using Portcullis.PolicyEngine.Policy;

namespace Portcullis.PolicyEngine.Tests.Compilation;

public sealed class PolicyCompilerTests
{
    private const string Swagger = """
        swagger: "2.0"
        info: { title: Shelves, version: "1" }
        host: shelves.endpoints.p.cloud.goog
        x-google-backend: { address: "https://top.example.com/base" }
        securityDefinitions:
          api_key: { type: apiKey, name: key, in: query }
          header_key: { type: apiKey, name: X-Api-Token, in: header }
        security:
          - api_key: []
        paths:
          /inherit:
            get: { operationId: inherit }
          /public:
            get: { operationId: public, security: [] }
          /header:
            get:
              operationId: header
              security: [{ header_key: [] }]
          /either:
            get:
              operationId: either
              security: [{ api_key: [] }, { header_key: [] }]
          /optional:
            get:
              operationId: optional
              security: [{ api_key: [] }, {}]
          /own:
            get:
              operationId: own
              x-google-backend:
                address: "https://own.example.com:8443/x"
                deadline: 2.5
                protocol: h2
          /audience:
            get:
              operationId: audience
              x-google-backend: { address: "https://a.example.com/p", jwt_audience: "https://aud.example.com" }
          /noauth:
            get:
              operationId: noauth
              x-google-backend: { address: "https://n.example.com", disable_auth: true }
        """;

    private static readonly ApiPolicy s_policy = PolicyCompiler.Compile(Swagger).Policy!;

    [Fact]
    public void Compile_SecurityInheritanceOverrideAndEmpty()
    {
        Assert.Equal(KeyRequirement.Required, Op("inherit").KeyRequirement);
        Assert.Equal(KeyLocation.Defaults, Op("inherit").KeyLocations);
        Assert.Equal(KeyRequirement.None, Op("public").KeyRequirement);
        Assert.Equal([new KeyLocation(KeyLocationKind.Header, "X-Api-Token")], Op("header").KeyLocations);
        Assert.Equal(KeyRequirement.Optional, Op("optional").KeyRequirement);
    }

    [Fact]
    public void Compile_OrOfTwoApiKeySchemes_QueriesBeforeHeaders()
    {
        Assert.Equal(
            [new KeyLocation(KeyLocationKind.Query, "key"), new KeyLocation(KeyLocationKind.Header, "X-Api-Token")],
            Op("either").KeyLocations);
    }

    [Fact]
    public void Compile_BackendDefaults()
    {
        BackendRule top = Op("inherit").Backend;
        Assert.Equal(PathTranslation.AppendPathToAddress, top.Translation);
        Assert.Equal("https://top.example.com", top.JwtAudience);
        Assert.Equal(TimeSpan.FromSeconds(15), top.Deadline);

        BackendRule own = Op("own").Backend;
        Assert.Equal(PathTranslation.ConstantAddress, own.Translation);
        Assert.Equal("https://own.example.com:8443", own.JwtAudience);
        Assert.Equal(TimeSpan.FromSeconds(2.5), own.Deadline);
        Assert.Equal(BackendProtocol.Http2, own.Protocol);

        Assert.Equal("https://aud.example.com", Op("audience").Backend.JwtAudience);
        Assert.True(Op("noauth").Backend.DisableAuth);
        Assert.Null(Op("noauth").Backend.JwtAudience);
    }

    [Fact]
    public void Compile_ServiceNameAndKeyLocationsToStrip()
    {
        Assert.Equal("shelves.endpoints.p.cloud.goog", s_policy.ServiceName);
        Assert.Contains("key", (IReadOnlySet<string>)s_policy.KeyQueryNames);
        Assert.Contains("api_key", (IReadOnlySet<string>)s_policy.KeyQueryNames);
        Assert.Contains("x-api-key", s_policy.KeyHeaderNames);
        Assert.Contains("X-Api-Token", s_policy.KeyHeaderNames);
    }

    [Fact]
    public void ConfigId_IsContentHash()
    {
        Assert.Equal(s_policy.ConfigId, PolicyCompiler.Compile(Swagger).Policy!.ConfigId);
        Assert.NotEqual(s_policy.ConfigId, PolicyCompiler.Compile(Swagger + "\n# changed\n").Policy!.ConfigId);
    }

    [Fact]
    public void Compile_OpenApi3WithNamedBackends()
    {
        CompileResult result = PolicyCompiler.Compile("""
            openapi: 3.0.3
            info: { title: V3, version: "1" }
            servers:
              - url: https://v3.example.com
            x-google-api-management:
              backends:
                main: { address: "https://main.example.com/api", jwtAudience: "https://main-aud" }
                other: { address: "https://other.example.com", pathTranslation: APPEND_PATH_TO_ADDRESS, disableAuth: true }
            x-google-backend: main
            components:
              securitySchemes:
                api_key: { type: apiKey, name: x-api-key, in: header }
            security:
              - api_key: []
            paths:
              /a:
                get: { operationId: a }
              /b/{id}:
                get:
                  operationId: b
                  x-google-backend: other
            """);

        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        ApiPolicy policy = result.Policy!;
        ApiOperation a = policy.Operations.Single(o => o.OperationId == "a");
        ApiOperation b = policy.Operations.Single(o => o.OperationId == "b");
        Assert.Equal("https://main-aud", a.Backend.JwtAudience);
        Assert.Equal(PathTranslation.AppendPathToAddress, a.Backend.Translation);
        Assert.Equal([new KeyLocation(KeyLocationKind.Header, "x-api-key")], a.KeyLocations);
        Assert.True(b.Backend.DisableAuth);
        Assert.Equal("v3.example.com", policy.ServiceName);
    }

    [Fact]
    public void Compile_SampleConfig_IsValid()
    {
        string path = Path.Combine(RepoRoot(), "openapi", "openapi.yaml");

        CompileResult result = PolicyCompiler.Compile(File.ReadAllText(path));

        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        Assert.Empty(result.Diagnostics);
    }

    [Fact]
    public void Compile_BackendOverride_KeepsPathsAndMovesOrigin()
    {
        CompileResult result = PolicyCompiler.Compile(Swagger, new CompileOptions { BackendOverride = new Uri("http://127.0.0.1:9999") });

        Assert.Equal(new Uri("http://127.0.0.1:9999/x"), result.Policy!.Operations.Single(o => o.OperationId == "own").Backend.Address);
    }

    private static ApiOperation Op(string id) => s_policy.Operations.Single(o => o.OperationId == id);

    private static string RepoRoot()
    {
        string? dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "Functions.sln")))
        {
            dir = Path.GetDirectoryName(dir);
        }

        return dir ?? throw new InvalidOperationException("Functions.sln not found above the test binaries.");
    }
}
