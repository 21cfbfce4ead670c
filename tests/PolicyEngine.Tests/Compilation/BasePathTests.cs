using Portcullis.PolicyEngine.Compilation;
using Portcullis.PolicyEngine.Diff;
using Portcullis.PolicyEngine.Policy;
using Portcullis.PolicyEngine.Forwarding;
using Portcullis.PolicyEngine.Routing;

namespace Portcullis.PolicyEngine.Tests.Compilation;

/// <summary>
/// <c>basePath</c> as Google applies it: googleapis/api-compiler's <c>HttpRuleGenerator</c> makes every
/// HTTP rule <c>basePath + path</c> (nothing for an empty or "/" basePath), so ESPv2 routes, and with
/// <c>APPEND_PATH_TO_ADDRESS</c> forwards, the joined path; <c>CONSTANT_ADDRESS</c> sends only the
/// address path. OpenAPI 3: the path of the <c>x-google-endpoint</c> server's URL. See docs/cloud-endpoints.md.
/// </summary>
public sealed class BasePathTests
{
    private const string Pets = """
        swagger: "2.0"
        info: { title: Pets, version: "1" }
        basePath: /v1
        x-google-backend: { address: "https://pets.example.com/api" }
        security: []
        paths:
          /pets:
            get: { operationId: list }
          /pets/{id}:
            get:
              operationId: get
              x-google-backend: { address: "https://pets.example.com/getPet" }
        """;

    public static TheoryData<string, string, string?, string?> Routing => new()
    {
        // method path → operationId, backend target ("" query)
        { "GET", "/v1/pets", "list", "/api/v1/pets" },
        { "GET", "/v1/pets/7", "get", "/getPet?id=7" },
        { "GET", "/pets", null, null },
        { "GET", "/v1", null, null },
    };

    [Theory]
    [MemberData(nameof(Routing))]
    public void Compile_BasePath_PrefixesRoutesAndAppendedPath(string method, string path, string? operationId, string? target)
    {
        CompileResult result = PolicyCompiler.Compile(Pets);
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));

        RouteMatch match = result.Policy!.Routes.TryMatch(method, path);

        Assert.Equal(operationId, match.Operation?.OperationId);
        if (target is not null)
        {
            Assert.Equal(target, PathTranslator.Translate(match, ""));
        }
    }

    [Theory]
    [InlineData("basePath: /")]
    [InlineData("basePath: \"\"")]
    [InlineData("")]
    public void Compile_EmptyOrRootBasePath_AddsNothing(string basePath)
    {
        CompileResult result = PolicyCompiler.Compile(Pets.Replace("basePath: /v1", basePath, StringComparison.Ordinal));

        Assert.Equal("list", result.Policy!.Routes.TryMatch("GET", "/pets").Operation?.OperationId);
    }

    [Theory]
    [InlineData("basePath: v1", "must start with '/'")]
    [InlineData("basePath: /v1/", "must not end with '/'")]
    [InlineData("basePath: { a: b }", "must be a string")]
    public void Compile_BadBasePath_IsRefusedAtBasePath(string basePath, string expected)
    {
        CompileResult result = PolicyCompiler.Compile(Pets.Replace("basePath: /v1", basePath, StringComparison.Ordinal));

        Diagnostic error = Assert.Single(result.Errors);
        Assert.Equal("/basePath", error.Pointer);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Diff_BasePathChange_ShowsOperationsMoved()
    {
        ApiPolicy before = PolicyCompiler.Compile(Pets).Policy!;
        ApiPolicy after = PolicyCompiler.Compile(Pets.Replace("basePath: /v1", "basePath: /v2", StringComparison.Ordinal)).Policy!;

        IReadOnlyList<ConfigChange> changes = ConfigDiff.Compare(before, after);

        Assert.Contains(changes, c => c.Kind == ChangeKind.Added && c.Operation == "GET /v2/pets");
        Assert.Contains(changes, c => c.Kind == ChangeKind.Removed && c.Operation == "GET /v1/pets");
    }

    private const string OpenApi3 = """
        openapi: 3.0.3
        info: { title: T, version: "1" }
        servers:
          - url: https://ignored.example.com/ignored
          - url: SERVER
            x-google-endpoint: {}
        x-google-api-management:
          backends:
            main: { address: "https://main.example.com" }
        x-google-backend: main
        security: []
        paths:
          /a:
            get: { operationId: a }
        """;

    [Theory]
    [InlineData("https://api.example.com/v1", "/v1/a")]
    [InlineData("https://api.example.com", "/a")]
    [InlineData("https://api.example.com/", "/a")]
    [InlineData("/v2", "/v2/a")]
    public void Compile_OpenApi3EndpointServerPath_IsTheBasePath(string url, string routed)
    {
        CompileResult result = PolicyCompiler.Compile(OpenApi3.Replace("SERVER", url, StringComparison.Ordinal));

        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        Assert.Equal("a", result.Policy!.Routes.TryMatch("GET", routed).Operation?.OperationId);
    }

    [Fact]
    public void Compile_OpenApi3TwoEndpointServers_IsRefused()
    {
        CompileResult result = PolicyCompiler.Compile(OpenApi3.Replace(
            "  - url: https://ignored.example.com/ignored\n",
            "  - url: https://other.example.com\n    x-google-endpoint: {}\n",
            StringComparison.Ordinal).Replace("SERVER", "https://api.example.com", StringComparison.Ordinal));

        Diagnostic error = Assert.Single(result.Errors);
        Assert.Equal("/servers/1", error.Pointer);
        Assert.Contains("only one server may carry x-google-endpoint", error.Message, StringComparison.Ordinal);
    }
}
