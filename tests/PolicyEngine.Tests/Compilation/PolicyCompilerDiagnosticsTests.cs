using Portcullis.PolicyEngine.Compilation;

namespace Portcullis.PolicyEngine.Tests.Compilation;

/// <summary>One case per compiler diagnostic: each names where (pointer and line) and why.</summary>
public sealed class PolicyCompilerDiagnosticsTests
{
    private const string Head = """
        swagger: "2.0"
        info: { title: T, version: "1" }
        x-google-backend: { address: "https://backend.example.com" }
        securityDefinitions:
          api_key: { type: apiKey, name: key, in: query }
          oauth: { type: oauth2, flow: implicit, authorizationUrl: "https://a.example.com" }
        paths:

        """;

    public static TheoryData<string, string, string, int, string> Cases => new()
    {
        {
            "undefined security scheme",
            """
              /a:
                get:
                  operationId: a
                  security:
                    - missing_scheme: []
            """,
            "/paths/~1a/get/security/0/missing_scheme", 12, "not defined"
        },
        {
            "oauth2 scheme cannot be enforced",
            """
              /a:
                get:
                  operationId: a
                  security:
                    - oauth: []
            """,
            "/paths/~1a/get/security/0/oauth", 12, "apiKey schemes only"
        },
        {
            "malformed template",
            """
              /a//b:
                get: { operationId: a }
            """,
            "/paths/~1a~1~1b", 9, "empty segment"
        },
        {
            "partial-segment variable",
            """
              /items/overview.{format}:
                get: { operationId: a }
            """,
            "/paths/~1items~1overview.{format}", 9, "partial-segment"
        },
        {
            "unknown variable pattern",
            """
              /items/{name=shelves/*}:
                get: { operationId: a }
            """,
            "/paths/~1items~1{name=shelves~1*}", 9, "spans segments"
        },
        {
            "relative backend address",
            """
              /a:
                get:
                  operationId: a
                  x-google-backend: { address: "/relative" }
            """,
            "/paths/~1a/get/x-google-backend/address", 11, "not an absolute URL"
        },
        {
            "grpc backend",
            """
              /a:
                get:
                  operationId: a
                  x-google-backend: { address: "grpcs://backend.example.com" }
            """,
            "/paths/~1a/get/x-google-backend/address", 11, "gRPC"
        },
        {
            "backend with query",
            """
              /a:
                get:
                  operationId: a
                  x-google-backend: { address: "https://backend.example.com/x?y=1" }
            """,
            "/paths/~1a/get/x-google-backend/address", 11, "query"
        },
        {
            "unknown path_translation",
            """
              /a:
                get:
                  operationId: a
                  x-google-backend: { address: "https://b.example.com", path_translation: PREPEND }
            """,
            "/paths/~1a/get/x-google-backend/path_translation", 11, "unknown path_translation"
        },
        {
            "audience and disable_auth",
            """
              /a:
                get:
                  operationId: a
                  x-google-backend: { address: "https://b.example.com", jwt_audience: "x", disable_auth: true }
            """,
            "/paths/~1a/get/x-google-backend/disable_auth", 11, "mutually exclusive"
        },
        {
            "bad deadline",
            """
              /a:
                get:
                  operationId: a
                  x-google-backend: { address: "https://b.example.com", deadline: -3 }
            """,
            "/paths/~1a/get/x-google-backend/deadline", 11, "deadline"
        },
        {
            "unknown protocol",
            """
              /a:
                get:
                  operationId: a
                  x-google-backend: { address: "https://b.example.com", protocol: grpc }
            """,
            "/paths/~1a/get/x-google-backend/protocol", 11, "protocol"
        },
        {
            "duplicate operationId",
            """
              /a:
                get: { operationId: same }
              /b:
                get: { operationId: same }
            """,
            "/paths/~1b/get/operationId", 11, "already used"
        },
        {
            "same method and template",
            """
              /p/{a}:
                get: { operationId: one }
              /p/{b}:
                get: { operationId: two }
            """,
            "/paths/~1p~1{b}/get", 11, "same requests"
        },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Compile_InvalidConfig_ReportsWhereAndWhy(string name, string paths, string pointer, int line, string fragment)
    {
        CompileResult result = PolicyCompiler.Compile(Head + paths);

        Assert.False(result.Succeeded, name);
        Diagnostic error = Assert.Single(result.Errors);
        Assert.Equal(pointer, error.Pointer);
        Assert.Equal(line, error.Line);
        Assert.Contains(fragment, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_SeveralProblems_ReportsEveryOne()
    {
        CompileResult result = PolicyCompiler.Compile(Head + """
              /a:
                get:
                  operationId: a
                  security:
                    - nope: []
              /b/x{y}:
                get: { operationId: b }
              /c:
                get:
                  operationId: c
                  x-google-backend: { address: "ftp://c.example.com", path_translation: SIDEWAYS }
            """);

        Assert.False(result.Succeeded);
        Assert.Equal(4, result.Errors.Count());
        Assert.All(result.Errors, e => Assert.True(e.Line > 0));
    }

    [Fact]
    public void Compile_MissingBackend_IsAnError()
    {
        CompileResult result = PolicyCompiler.Compile("""
            swagger: "2.0"
            info: { title: T, version: "1" }
            paths:
              /a:
                get: { operationId: a }
            """);

        Diagnostic error = Assert.Single(result.Errors);
        Assert.Equal("/paths/~1a/get", error.Pointer);
        Assert.Contains("no backend", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("paths: [unclosed", "not valid YAML")]
    [InlineData("info: { title: T }\npaths: {}", "not an OpenAPI document")]
    [InlineData("swagger: \"1.2\"\npaths: {}", "not supported")]
    [InlineData("- a\n- b", "mapping at the top level")]
    [InlineData("", "empty")]
    public void Compile_NotAConfig_IsRefused(string content, string fragment)
    {
        CompileResult result = PolicyCompiler.Compile(content);

        Assert.False(result.Succeeded);
        Assert.Contains(result.Errors, e => e.Message.Contains(fragment, StringComparison.Ordinal));
    }

    [Fact]
    public void Compile_DuplicateYamlKey_IsRefusedWithLine()
    {
        CompileResult result = PolicyCompiler.Compile(Head + """
              /a:
                get: { operationId: a }
              /a:
                get: { operationId: b }
            """);

        Diagnostic error = Assert.Single(result.Errors);
        Assert.Contains("not valid YAML", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("x-google-backend: { address: \"https://b.example.com\" }", "x-google-backend is the name of a backend")]
    [InlineData("x-google-backend: nowhere", "not defined in x-google-api-management.backends")]
    public void Compile_OpenApi3BadBackendReference_IsRefused(string backendLine, string fragment)
    {
        CompileResult result = PolicyCompiler.Compile($$"""
            openapi: 3.0.3
            info: { title: T, version: "1" }
            x-google-api-management:
              backends:
                main: { address: "https://main.example.com" }
            {{backendLine}}
            paths:
              /a:
                get: { operationId: a }
            """);

        Assert.Contains(result.Errors, e => e.Message.Contains(fragment, StringComparison.Ordinal) && e.Pointer == "/x-google-backend");
    }
}
