using Portcullis.PolicyEngine.Compilation;

namespace Portcullis.PolicyEngine.Tests.Compilation;

/// <summary>
/// One case per compiler diagnostic: each names where (JSON pointer, and the line of the node the
/// pointer names) and why. Validation collects every error (STYLE.md), so several are reported at once.
/// </summary>
public sealed class PolicyCompilerDiagnosticsTests
{
    // Seven lines; the first path is on line 8, its operation on line 9.
    private const string Head = """
        swagger: "2.0"
        info: { title: T, version: "1" }
        x-google-backend: { address: "https://backend.example.com" }
        securityDefinitions:
          api_key: { type: apiKey, name: key, in: query }
          oauth: { type: oauth2, flow: implicit, authorizationUrl: "https://a.example.com" }
        paths:

        """;

    // Eight lines; the first path is on line 9.
    private const string OpenApi3Head = """
        openapi: 3.0.3
        info: { title: T, version: "1" }
        x-google-api-management:
          backends:
            main: { address: "https://main.example.com" }
        components:
          securitySchemes: { api_key: { type: apiKey, name: key, in: query } }
        paths:

        """;

    public static TheoryData<string, string, string, int, string> Cases => new()
    {
        // Security. ESPv2 does not validate undefined schemes and leaves such methods open; Portcullis refuses.
        {
            "undefined security scheme on an operation",
            Head + """
              /a:
                get:
                  operationId: a
                  security:
                    - missing_scheme: []
            """,
            "/paths/~1a/get/security/0/missing_scheme", 12, "not defined"
        },
        {
            "undefined security scheme at the top level",
            Head.Replace("paths:\n", "security: [{ nope: [] }]\npaths:\n", StringComparison.Ordinal) + """
              /a:
                get: { operationId: a }
            """,
            "/security/0/nope", 7, "not defined"
        },
        {
            "undefined scheme beside a defined one",
            Head + """
              /a:
                get:
                  operationId: a
                  security: [{ api_key: [] }, { nope: [] }]
            """,
            "/paths/~1a/get/security/1/nope", 11, "not defined"
        },
        {
            "oauth2 scheme without x-google-issuer cannot be enforced",
            Head + """
              /a:
                get:
                  operationId: a
                  security:
                    - oauth: []
            """,
            "/paths/~1a/get/security/0/oauth", 12, "without x-google-issuer"
        },
        {
            "oauth2 without an issuer OR apiKey is not enforceable either",
            Head + """
              /a:
                get:
                  operationId: a
                  security: [{ api_key: [] }, { oauth: [] }]
            """,
            "/paths/~1a/get/security/1/oauth", 11, "without x-google-issuer"
        },
        {
            "security is not a list",
            Head + """
              /a:
                get: { operationId: a, security: { api_key: [] } }
            """,
            "/paths/~1a/get/security", 9, "must be a list"
        },
        {
            "apiKey in a cookie",
            Head.Replace("paths:\n", "  cookie_key: { type: apiKey, name: k, in: cookie }\npaths:\n", StringComparison.Ordinal) + """
              /a:
                get: { operationId: a, security: [] }
            """,
            "/securityDefinitions/cookie_key/in", 7, "'query' or 'header' only"
        },
        {
            "apiKey without a name",
            Head.Replace("paths:\n", "  nameless: { type: apiKey, in: query }\npaths:\n", StringComparison.Ordinal) + """
              /a:
                get: { operationId: a, security: [] }
            """,
            "/securityDefinitions/nameless", 7, "has no 'name'"
        },

        // Path templates.
        {
            "malformed template",
            Head + """
              /a//b:
                get: { operationId: a }
            """,
            "/paths/~1a~1~1b", 9, "empty segment"
        },
        {
            "partial-segment variable",
            Head + """
              /items/overview.{format}:
                get: { operationId: a }
            """,
            "/paths/~1items~1overview.{format}", 9, "partial-segment"
        },
        {
            "variable inside a literal",
            Head + """
              /items/x_{id}:
                get: { operationId: a }
            """,
            "/paths/~1items~1x_{id}", 9, "partial-segment"
        },
        {
            "unknown variable pattern",
            Head + """
              /items/{name=shelves/*}:
                get: { operationId: a }
            """,
            "/paths/~1items~1{name=shelves~1*}", 9, "spans segments"
        },
        {
            "duplicate variable",
            Head + """
              /p/{id}/q/{id}:
                get: { operationId: a }
            """,
            "/paths/~1p~1{id}~1q~1{id}", 9, "appears twice"
        },
        {
            "wildcard after a double wildcard",
            Head + """
              /p/{a=**}/{b}:
                get: { operationId: a }
            """,
            "/paths/~1p~1{a=**}~1{b}", 9, "only literal segments may follow '**'"
        },
        {
            "no leading slash",
            Head + """
              items/{id}:
                get: { operationId: a }
            """,
            "/paths/items~1{id}", 9, "must start with '/'"
        },

        // Backends.
        {
            "relative backend address",
            Head + """
              /a:
                get:
                  operationId: a
                  x-google-backend: { address: "/relative" }
            """,
            "/paths/~1a/get/x-google-backend/address", 11, "not an absolute URL"
        },
        {
            "ftp backend",
            Head + """
              /a:
                get:
                  operationId: a
                  x-google-backend: { address: "ftp://backend.example.com/x" }
            """,
            "/paths/~1a/get/x-google-backend/address", 11, "must use http:// or https://"
        },
        {
            "grpc backend",
            Head + """
              /a:
                get:
                  operationId: a
                  x-google-backend: { address: "grpc://backend.example.com" }
            """,
            "/paths/~1a/get/x-google-backend/address", 11, "gRPC"
        },
        {
            "grpcs backend",
            Head + """
              /a:
                get:
                  operationId: a
                  x-google-backend: { address: "grpcs://backend.example.com" }
            """,
            "/paths/~1a/get/x-google-backend/address", 11, "gRPC"
        },
        {
            "backend with query",
            Head + """
              /a:
                get:
                  operationId: a
                  x-google-backend: { address: "https://backend.example.com/x?y=1" }
            """,
            "/paths/~1a/get/x-google-backend/address", 11, "query"
        },
        {
            "backend without address",
            Head + """
              /a:
                get:
                  operationId: a
                  x-google-backend: { path_translation: CONSTANT_ADDRESS }
            """,
            "/paths/~1a/get/x-google-backend", 11, "no 'address'"
        },
        {
            "unknown path_translation",
            Head + """
              /a:
                get:
                  operationId: a
                  x-google-backend: { address: "https://b.example.com", path_translation: PREPEND }
            """,
            "/paths/~1a/get/x-google-backend/path_translation", 11, "unknown path_translation"
        },
        {
            "audience and disable_auth",
            Head + """
              /a:
                get:
                  operationId: a
                  x-google-backend: { address: "https://b.example.com", jwt_audience: "x", disable_auth: true }
            """,
            "/paths/~1a/get/x-google-backend/disable_auth", 11, "mutually exclusive"
        },
        {
            "disable_auth not a boolean",
            Head + """
              /a:
                get:
                  operationId: a
                  x-google-backend: { address: "https://b.example.com", disable_auth: maybe }
            """,
            "/paths/~1a/get/x-google-backend/disable_auth", 11, "true or false"
        },
        {
            "negative deadline",
            Head + """
              /a:
                get:
                  operationId: a
                  x-google-backend: { address: "https://b.example.com", deadline: -3 }
            """,
            "/paths/~1a/get/x-google-backend/deadline", 11, "deadline"
        },
        {
            "zero deadline",
            Head + """
              /a:
                get:
                  operationId: a
                  x-google-backend: { address: "https://b.example.com", deadline: 0 }
            """,
            "/paths/~1a/get/x-google-backend/deadline", 11, "deadline"
        },
        {
            "deadline not a number",
            Head + """
              /a:
                get:
                  operationId: a
                  x-google-backend: { address: "https://b.example.com", deadline: soon }
            """,
            "/paths/~1a/get/x-google-backend/deadline", 11, "deadline"
        },
        {
            "unknown protocol",
            Head + """
              /a:
                get:
                  operationId: a
                  x-google-backend: { address: "https://b.example.com", protocol: grpc }
            """,
            "/paths/~1a/get/x-google-backend/protocol", 11, "protocol"
        },
        {
            "bad top-level backend",
            Head.Replace("backend.example.com", "backend.example.com/?x=1", StringComparison.Ordinal) + """
              /a:
                get: { operationId: a }
            """,
            "/x-google-backend/address", 3, "query"
        },
        {
            "missing backend",
            """
            swagger: "2.0"
            info: { title: T, version: "1" }
            paths:
              /a:
                get: { operationId: a }
            """,
            "/paths/~1a/get", 5, "no backend"
        },

        // Operations.
        {
            "duplicate operationId",
            Head + """
              /a:
                get: { operationId: same }
              /b:
                get: { operationId: same }
            """,
            "/paths/~1b/get/operationId", 11, "already used"
        },
        {
            "same method and template with renamed variables",
            Head + """
              /p/{a}:
                get: { operationId: one }
              /p/{b}:
                get: { operationId: two }
            """,
            "/paths/~1p~1{b}/get", 11, "same requests"
        },
        {
            "template with a trailing slash (ESPv2 refuses it)",
            Head + """
              /p:
                get: { operationId: one }
              /p/:
                get: { operationId: two }
            """,
            "/paths/~1p~1", 11, "cannot end with '/'"
        },
        {
            "operation not an object",
            Head + """
              /a:
                get: nope
            """,
            "/paths/~1a/get", 9, "must be an object"
        },
        {
            "x-google-allow unknown value",
            Head.Replace("paths:\n", "x-google-allow: everything\npaths:\n", StringComparison.Ordinal) + """
              /a:
                get: { operationId: a }
            """,
            "/x-google-allow", 7, "'configured' or 'all'"
        },

        // Documents.
        {
            "not YAML",
            """
            swagger: "2.0"
            info: { title: T, version: "1" }
            paths: a: b
            """,
            "", 3, "not valid YAML"
        },
        {
            "neither swagger nor openapi",
            """
            info: { title: T, version: "1" }
            paths: {}
            """,
            "", 1, "not an OpenAPI document"
        },
        {
            "unsupported swagger version",
            """
            swagger: "1.2"
            paths: {}
            """,
            "/swagger", 1, "not supported"
        },
        {
            "unsupported openapi version",
            """
            openapi: 2.0.0
            paths: {}
            """,
            "/openapi", 1, "not supported"
        },
        {
            "no paths",
            """
            swagger: "2.0"
            info: { title: T, version: "1" }
            x-google-backend: { address: "https://backend.example.com" }
            """,
            "", 1, "no 'paths'"
        },
        {
            "no operations",
            """
            swagger: "2.0"
            info: { title: T, version: "1" }
            x-google-backend: { address: "https://backend.example.com" }
            paths: {}
            """,
            "/paths", 4, "no operations"
        },

        // OpenAPI 3: x-google-backend names an x-google-api-management backend.
        {
            "OpenAPI 3 object-valued top-level backend",
            OpenApi3Head.Replace("paths:\n", "x-google-backend: { address: \"https://b.example.com\" }\npaths:\n", StringComparison.Ordinal) + """
              /a:
                get: { operationId: a }
            """,
            "/x-google-backend", 8, "x-google-backend is the name of a backend"
        },
        {
            "OpenAPI 3 object-valued operation backend",
            OpenApi3Head + """
              /a:
                get:
                  operationId: a
                  x-google-backend: { address: "https://b.example.com" }
            """,
            "/paths/~1a/get/x-google-backend", 12, "x-google-backend is the name of a backend"
        },
        {
            "OpenAPI 3 unknown backend name",
            OpenApi3Head.Replace("paths:\n", "x-google-backend: nowhere\npaths:\n", StringComparison.Ordinal) + """
              /a:
                get: { operationId: a }
            """,
            "/x-google-backend", 8, "not defined in x-google-api-management.backends"
        },
        {
            "OpenAPI 3 unknown backend name on an operation",
            OpenApi3Head + """
              /a:
                get: { operationId: a, x-google-backend: elsewhere }
            """,
            "/paths/~1a/get/x-google-backend", 10, "not defined in x-google-api-management.backends"
        },
        {
            "OpenAPI 3 bad named backend",
            OpenApi3Head.Replace("https://main.example.com", "ftp://main.example.com", StringComparison.Ordinal) + """
              /a:
                get: { operationId: a, x-google-backend: main }
            """,
            "/x-google-api-management/backends/main/address", 5, "must use http:// or https://"
        },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Compile_InvalidConfig_ReportsWhereAndWhy(string name, string config, string pointer, int line, string fragment)
    {
        CompileResult result = PolicyCompiler.Compile(config);

        Assert.False(result.Succeeded, name);
        Assert.Null(result.Policy);
        Diagnostic error = Assert.Single(result.Errors);
        Assert.Equal(pointer, error.Pointer);
        Assert.Equal(line, error.Line);
        Assert.Contains(fragment, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_SeveralProblems_ReportsEveryOneInLineOrder()
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
                  x-google-backend: { address: "ftp://c.example.com", path_translation: SIDEWAYS, deadline: -1 }
              /d/{id}:
                get: { operationId: a }
              /d/{other}:
                get: { operationId: d2 }
            """);

        Assert.False(result.Succeeded);
        Assert.Equal(
            [
                ("/paths/~1a/get/security/0/nope", 12),
                ("/paths/~1b~1x{y}", 14),
                ("/paths/~1c/get/x-google-backend/address", 18),
                ("/paths/~1c/get/x-google-backend/deadline", 18),
                ("/paths/~1c/get/x-google-backend/path_translation", 18),
                ("/paths/~1d~1{id}/get/operationId", 20),
                ("/paths/~1d~1{other}/get", 22),
            ],
            result.Errors.Select(e => (e.Pointer, e.Line)).OrderBy(e => e.Line).ThenBy(e => e.Pointer, StringComparer.Ordinal));
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
        Assert.Equal(10, error.Line);
    }

    [Theory]
    [InlineData("")]
    [InlineData("# only a comment\n")]
    public void Compile_Empty_IsRefused(string content)
    {
        Diagnostic error = Assert.Single(PolicyCompiler.Compile(content).Errors);

        Assert.Contains("empty", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("- a\n- b")]
    [InlineData("just text")]
    public void Compile_NotAMapping_IsRefused(string content)
    {
        Diagnostic error = Assert.Single(PolicyCompiler.Compile(content).Errors);

        Assert.Contains("mapping at the top level", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_UnknownFields_AreWarningsOnly()
    {
        CompileResult result = PolicyCompiler.Compile(Head + """
              /a:
                get:
                  operationId: a
                  x-google-backend: { address: "https://b.example.com", colour: blue }
                gett: { operationId: typo }
            """);

        Assert.True(result.Succeeded);
        Assert.Equal(
            [("/paths/~1a/get/x-google-backend/colour", 11), ("/paths/~1a/gett", 12)],
            result.Diagnostics.Select(d => (d.Pointer, d.Line)));
        Assert.All(result.Diagnostics, d => Assert.Equal(DiagnosticSeverity.Warning, d.Severity));
    }

    [Fact]
    public void Format_NamesSourceLineColumnAndPointer()
    {
        Diagnostic error = Assert.Single(PolicyCompiler.Compile(Head + """
              /a:
                get: { operationId: a, security: [{ nope: [] }] }
            """).Errors);

        Assert.StartsWith("api.yaml:9:", error.Format("api.yaml"), StringComparison.Ordinal);
        Assert.EndsWith("(at /paths/~1a/get/security/0/nope)", error.Format("api.yaml"), StringComparison.Ordinal);
    }
}
