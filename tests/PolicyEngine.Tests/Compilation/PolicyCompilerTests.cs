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
          /eitherReversed:
            get:
              operationId: eitherReversed
              security: [{ header_key: [] }, { api_key: [] }]
          /both:
            get:
              operationId: both
              security: [{ api_key: [], header_key: [] }]
          /optional:
            get:
              operationId: optional
              security: [{ api_key: [] }, {}]
          /emptyRequirement:
            get:
              operationId: emptyRequirement
              security: [{}]
          /own:
            get:
              operationId: own
              x-google-backend:
                address: "https://own.example.com:8443/x"
                deadline: 2.5
                protocol: h2
          /plainHttp:
            get:
              operationId: plainHttp
              x-google-backend: { address: "http://127.0.0.1:8081/books/lookup", protocol: http/1.1 }
          /audience:
            get:
              operationId: audience
              x-google-backend:
                address: "https://a.example.com/p"
                path_translation: APPEND_PATH_TO_ADDRESS
                jwt_audience: "https://aud.example.com/with/path"
          /noauth:
            get:
              operationId: noauth
              x-google-backend: { address: "https://n.example.com/", disable_auth: true }
        """;

    private static readonly ApiPolicy s_policy = PolicyCompiler.Compile(Swagger).Policy!;

    [Theory]
    // Top-level security is inherited; the default scheme reads key, api_key, then x-api-key.
    [InlineData("inherit", KeyRequirement.Required, "query:key query:api_key header:x-api-key")]
    // security: [] → no key.
    [InlineData("public", KeyRequirement.None, "")]
    // An operation's security replaces the top level.
    [InlineData("header", KeyRequirement.Required, "header:X-Api-Token")]
    // OR of two apiKey schemes: both locations, queries before headers.
    [InlineData("either", KeyRequirement.Required, "query:key header:X-Api-Token")]
    [InlineData("eitherReversed", KeyRequirement.Required, "query:key header:X-Api-Token")]
    // AND of two apiKey schemes in one requirement object.
    [InlineData("both", KeyRequirement.Required, "query:key header:X-Api-Token")]
    // {} beside an apiKey requirement: a key is optional (checked when sent).
    [InlineData("optional", KeyRequirement.Optional, "query:key query:api_key header:x-api-key")]
    // {} alone: no key.
    [InlineData("emptyRequirement", KeyRequirement.None, "")]
    public void Compile_Security_BecomesKeyRule(string operationId, KeyRequirement requirement, string locations)
    {
        ApiOperation operation = Op(operationId);

        Assert.Equal(requirement, operation.KeyRequirement);
        Assert.Equal(locations, string.Join(' ', operation.KeyLocations.Select(l => $"{l.Kind.ToString().ToLowerInvariant()}:{l.Name}")));
    }

    [Fact]
    public void Compile_DefaultScheme_UsesTheSharedDefaultLocations()
    {
        Assert.Same(KeyLocation.Defaults, Op("inherit").KeyLocations);
    }

    [Fact]
    public void Compile_NoSecurityAnywhere_NeedsNoKey()
    {
        ApiPolicy policy = PolicyCompiler.Compile("""
            swagger: "2.0"
            info: { title: T, version: "1" }
            x-google-backend: { address: "https://b.example.com" }
            securityDefinitions:
              api_key: { type: apiKey, name: key, in: query }
            paths:
              /a:
                get: { operationId: a }
            """).Policy!;

        Assert.Equal(KeyRequirement.None, policy.Operations.Single().KeyRequirement);
    }

    [Theory]
    // A top-level backend appends the path; its audience is scheme://host, without the address path.
    [InlineData("inherit", "https://top.example.com/base", PathTranslation.AppendPathToAddress, "https://top.example.com", 15.0)]
    // An operation-level backend defaults to CONSTANT_ADDRESS; the port stays in the audience.
    [InlineData("own", "https://own.example.com:8443/x", PathTranslation.ConstantAddress, "https://own.example.com:8443", 2.5)]
    [InlineData("plainHttp", "http://127.0.0.1:8081/books/lookup", PathTranslation.ConstantAddress, "http://127.0.0.1:8081", 15.0)]
    // An explicit translation and audience are kept as written.
    [InlineData("audience", "https://a.example.com/p", PathTranslation.AppendPathToAddress, "https://aud.example.com/with/path", 15.0)]
    // disable_auth: no token, so no audience.
    [InlineData("noauth", "https://n.example.com/", PathTranslation.ConstantAddress, null, 15.0)]
    public void Compile_Backend_HasEspDefaults(string operationId, string address, PathTranslation translation, string? audience, double deadlineSeconds)
    {
        BackendRule backend = Op(operationId).Backend;

        Assert.Equal(new Uri(address), backend.Address);
        Assert.Equal(translation, backend.Translation);
        Assert.Equal(audience, backend.JwtAudience);
        Assert.Equal(audience is null, backend.DisableAuth);
        Assert.Equal(TimeSpan.FromSeconds(deadlineSeconds), backend.Deadline);
    }

    [Theory]
    [InlineData("own", BackendProtocol.Http2)]
    [InlineData("plainHttp", BackendProtocol.Http11)]
    [InlineData("inherit", BackendProtocol.Auto)]
    public void Compile_BackendProtocol_IsRead(string operationId, BackendProtocol protocol)
    {
        Assert.Equal(protocol, Op(operationId).Backend.Protocol);
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
    public void ConfigId_SameContent_SameId()
    {
        Assert.Equal(s_policy.ConfigId, PolicyCompiler.Compile(Swagger).Policy!.ConfigId);
        Assert.Equal(PolicyCompiler.ConfigIdOf(Swagger), s_policy.ConfigId);
    }

    [Theory]
    [InlineData("\n# changed\n")]
    [InlineData(" ")]
    [InlineData("\n")]
    public void ConfigId_DifferentContent_DifferentId(string suffix)
    {
        Assert.NotEqual(s_policy.ConfigId, PolicyCompiler.Compile(Swagger + suffix).Policy!.ConfigId);
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
                main: { address: "https://main.example.com/api", jwtAudience: "https://main-aud", deadline: 30 }
                other: { address: "https://other.example.com", pathTranslation: APPEND_PATH_TO_ADDRESS, disableAuth: true }
                plain: { address: "https://plain.example.com:8443/p" }
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
              /c/{id}:
                get:
                  operationId: c
                  security: []
                  x-google-backend: plain
            """);

        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        Assert.Empty(result.Diagnostics);
        ApiPolicy policy = result.Policy!;
        ApiOperation a = policy.Operations.Single(o => o.OperationId == "a");
        ApiOperation b = policy.Operations.Single(o => o.OperationId == "b");
        ApiOperation c = policy.Operations.Single(o => o.OperationId == "c");
        Assert.Equal(new Uri("https://main.example.com/api"), a.Backend.Address);
        Assert.Equal("https://main-aud", a.Backend.JwtAudience);
        Assert.Equal(TimeSpan.FromSeconds(30), a.Backend.Deadline);
        Assert.Equal(PathTranslation.AppendPathToAddress, a.Backend.Translation);
        Assert.Equal(KeyRequirement.Required, a.KeyRequirement);
        Assert.Equal([new KeyLocation(KeyLocationKind.Header, "x-api-key")], a.KeyLocations);
        Assert.True(b.Backend.DisableAuth);
        Assert.Null(b.Backend.JwtAudience);
        Assert.Equal(PathTranslation.AppendPathToAddress, b.Backend.Translation);
        Assert.Equal(PathTranslation.ConstantAddress, c.Backend.Translation);
        Assert.Equal("https://plain.example.com:8443", c.Backend.JwtAudience);
        Assert.Equal(KeyRequirement.None, c.KeyRequirement);
        Assert.Equal("v3.example.com", policy.ServiceName);
        Assert.Equal("V3", policy.Title);
    }

    [Fact]
    public void Compile_SampleConfig_IsValid()
    {
        string path = Path.Combine(RepoRoot(), "openapi", "openapi.yaml");

        CompileResult result = PolicyCompiler.Compile(File.ReadAllText(path));

        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        Assert.Empty(result.Diagnostics);
        ApiPolicy policy = result.Policy!;
        Assert.Equal("bookstore.endpoints.example-project.cloud.goog", policy.ServiceName);
        Assert.Equal(
            ["GET /v1/health", "GET /v1/shelves", "POST /v1/shelves", "GET /v1/shelves/{shelf}", "GET /v1/shelves/{shelf}/books/{book}", "GET /v1/files/{path=**}", "GET /v1/me"],
            policy.Operations.Select(o => $"{o.Method} {o.Template.Text}"));
        Assert.Empty(policy.GeneratedOperations);
        ApiOperation health = policy.Operations.Single(o => o.OperationId == "health");
        ApiOperation getBook = policy.Operations.Single(o => o.OperationId == "getBook");
        ApiOperation listShelves = policy.Operations.Single(o => o.OperationId == "listShelves");
        Assert.Equal(KeyRequirement.None, health.KeyRequirement);
        Assert.Equal(KeyRequirement.Required, listShelves.KeyRequirement);
        Assert.Same(KeyLocation.Defaults, listShelves.KeyLocations);
        Assert.Equal(PathTranslation.AppendPathToAddress, listShelves.Backend.Translation);
        Assert.Equal(PathTranslation.ConstantAddress, getBook.Backend.Translation);
        Assert.Equal("/books/lookup", getBook.Backend.AddressPath);
        Assert.Equal("http://127.0.0.1:8081", getBook.Backend.JwtAudience);
        Assert.Equal(["shelf", "book"], getBook.VariableNames);
        JwtProvider dev = Assert.Single(policy.Operations.Single(o => o.OperationId == "whoAmI").Authentication.Providers);
        Assert.Equal("http://localhost:8090", dev.Issuer);
        Assert.Equal(["portcullis-dev"], dev.Audiences);
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
