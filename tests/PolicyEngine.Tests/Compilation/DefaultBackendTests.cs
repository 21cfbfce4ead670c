using Portcullis.PolicyEngine.Compilation;
using Portcullis.PolicyEngine.Policy;

namespace Portcullis.PolicyEngine.Tests.Compilation;

/// <summary>
/// <see cref="CompileOptions.DefaultBackend"/>: ESPv2's <c>--backend</c> for Cloud Endpoints configs
/// that name no backend (issue 18).
/// </summary>
public sealed class DefaultBackendTests
{
    private static readonly Uri s_default = new("https://echo-abc123-uc.a.run.app");

    private const string NoBackend = """
        swagger: "2.0"
        info: { title: Echo, version: "1" }
        host: echo-api.endpoints.p.cloud.goog
        paths:
          /echo:
            post: { operationId: echo, security: [] }
          /users/{id}:
            get: { operationId: user, security: [] }
        """;

    [Fact]
    public void Compile_NoBackendWithDefault_ActsAsTopLevelBackend()
    {
        CompileResult result = PolicyCompiler.Compile(NoBackend, new CompileOptions { DefaultBackend = s_default });

        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        BackendRule backend = result.Policy!.Operations.Single(o => o.OperationId == "user").Backend;
        Assert.Equal(s_default, backend.Address);
        Assert.Equal(PathTranslation.AppendPathToAddress, backend.Translation);
        Assert.Equal("https://echo-abc123-uc.a.run.app", backend.JwtAudience);
        Assert.False(backend.DisableAuth);
        Assert.Equal(BackendRule.DefaultDeadline, backend.Deadline);
    }

    [Fact]
    public void Compile_NoBackendWithoutDefault_SaysHowToGiveOne()
    {
        CompileResult result = PolicyCompiler.Compile(NoBackend);

        Assert.Null(result.Policy);
        Assert.Equal(2, result.Errors.Count());
        Diagnostic error = result.Errors.First();
        Assert.Equal("/paths/~1echo/post", error.Pointer);
        Assert.Contains("POST /echo has no backend", error.Message, StringComparison.Ordinal);
        Assert.Contains("--backend", error.Message, StringComparison.Ordinal);
        Assert.Contains("PORTCULLIS_BACKEND=", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("x-google-backend: { deadline: 42.5 }\n", 42.5, null, false)]
    [InlineData("x-google-backend:\n  deadline: 5\n  jwt_audience: https://aud.example.com\n", 5.0, "https://aud.example.com", false)]
    [InlineData("x-google-backend: { disable_auth: true }\n", 15.0, null, true)]
    public void Compile_TopLevelBackendWithoutAddress_TakesDefaultAddressKeepsFields(string backend, double deadline, string? audience, bool disableAuth)
    {
        CompileResult result = PolicyCompiler.Compile(
            NoBackend.Replace("paths:", backend + "paths:", StringComparison.Ordinal),
            new CompileOptions { DefaultBackend = s_default });

        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        BackendRule rule = result.Policy!.Operations.Single(o => o.OperationId == "echo").Backend;
        Assert.Equal(s_default, rule.Address);
        Assert.Equal(PathTranslation.AppendPathToAddress, rule.Translation);
        Assert.Equal(TimeSpan.FromSeconds(deadline), rule.Deadline);
        Assert.Equal(disableAuth, rule.DisableAuth);
        Assert.Equal(disableAuth ? null : audience ?? "https://echo-abc123-uc.a.run.app", rule.JwtAudience);
    }

    [Fact]
    public void Compile_OperationBackendWithoutAddress_AppendsToDefaultUnlessTranslationGiven()
    {
        string yaml = NoBackend
            .Replace("post: { operationId: echo, security: [] }", "post: { operationId: echo, security: [], x-google-backend: { deadline: 3 } }", StringComparison.Ordinal)
            .Replace("get: { operationId: user, security: [] }", "get: { operationId: user, security: [], x-google-backend: { path_translation: CONSTANT_ADDRESS } }", StringComparison.Ordinal);

        CompileResult result = PolicyCompiler.Compile(yaml, new CompileOptions { DefaultBackend = new Uri("https://echo.example.com/api") });

        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        BackendRule echo = result.Policy!.Operations.Single(o => o.OperationId == "echo").Backend;
        Assert.Equal((PathTranslation.AppendPathToAddress, TimeSpan.FromSeconds(3)), (echo.Translation, echo.Deadline));
        Assert.Equal(PathTranslation.ConstantAddress, result.Policy.Operations.Single(o => o.OperationId == "user").Backend.Translation);
    }

    /// <summary>
    /// ESPv2's examples/testdata/sidecar_backend: top-level <c>x-google-backend: {deadline: 25}</c>, one
    /// operation with <c>{deadline: 7.5}</c>. Google's generated service config (same folder) has the rules
    /// CreateShelf 25 s and ListShelves 7.5 s, both address-less (the local <c>--backend</c>).
    /// </summary>
    [Fact]
    public void Compile_EspV2SidecarExample_DeadlinesAsGoogleGenerates()
    {
        CompileResult result = PolicyCompiler.Compile("""
            swagger: "2.0"
            info: { title: Bookstore, version: 1.0.0 }
            host: examples-sidecar-backend.endpoints.cloudesf-testing.cloud.goog
            x-google-backend: { deadline: "25" }
            paths:
              /shelves:
                get: { operationId: ListShelves, security: [], x-google-backend: { deadline: "7.5" } }
                post: { operationId: CreateShelf, security: [] }
            """, new CompileOptions { DefaultBackend = s_default });

        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        Assert.Equal(TimeSpan.FromSeconds(7.5), result.Policy!.Operations.Single(o => o.OperationId == "ListShelves").Backend.Deadline);
        Assert.Equal(TimeSpan.FromSeconds(25), result.Policy.Operations.Single(o => o.OperationId == "CreateShelf").Backend.Deadline);
        Assert.All(result.Policy.Operations, o => Assert.Equal((s_default, PathTranslation.AppendPathToAddress), (o.Backend.Address, o.Backend.Translation)));
    }

    [Fact]
    public void Compile_BackendWithoutAddressAndNoDefault_SaysHowToGiveOne()
    {
        CompileResult result = PolicyCompiler.Compile(NoBackend.Replace("paths:", "x-google-backend: { deadline: 42.5 }\npaths:", StringComparison.Ordinal));

        Diagnostic error = Assert.Single(result.Errors);
        Assert.Equal("/x-google-backend", error.Pointer);
        Assert.Contains("backend has no 'address'", error.Message, StringComparison.Ordinal);
        Assert.Contains("PORTCULLIS_BACKEND=", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_ConfigAddressWins_OverDefault()
    {
        CompileResult result = PolicyCompiler.Compile(
            NoBackend.Replace("paths:", "x-google-backend: { address: \"https://own.example.com\" }\npaths:", StringComparison.Ordinal),
            new CompileOptions { DefaultBackend = s_default });

        Assert.All(result.Policy!.Operations, o => Assert.Equal(new Uri("https://own.example.com"), o.Backend.Address));
    }

    [Fact]
    public void Compile_AllowAllWithDefault_SendsUnrecognisedCallsToDefault()
    {
        CompileResult result = PolicyCompiler.Compile(
            NoBackend.Replace("paths:", "x-google-allow: all\npaths:", StringComparison.Ordinal),
            new CompileOptions { DefaultBackend = s_default });

        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        Assert.Equal(s_default, result.Policy!.Routes.TryMatch("GET", "/anything").Operation!.Backend.Address);
    }

    [Fact]
    public void Compile_AllowAllWithoutAnyBackend_SaysHowToGiveOne()
    {
        CompileResult result = PolicyCompiler.Compile(NoBackend.Replace("paths:", "x-google-allow: all\npaths:", StringComparison.Ordinal));

        Diagnostic error = Assert.Single(result.Errors, e => e.Pointer == "/x-google-allow");
        Assert.Contains("PORTCULLIS_BACKEND=", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("address: {{My Cloud Run URL}}", "must be a string URL")]
    [InlineData("address: [https://a.example.com]", "must be a string URL")]
    [InlineData("address: ftp://a.example.com", "must use http:// or https://")]
    public void Compile_AddressNotAStringUrl_SaysSo(string address, string expected)
    {
        CompileResult result = PolicyCompiler.Compile(
            NoBackend.Replace("paths:", "x-google-backend:\n  " + address + "\npaths:", StringComparison.Ordinal),
            new CompileOptions { DefaultBackend = s_default });

        Diagnostic error = Assert.Single(result.Errors);
        Assert.Equal("/x-google-backend/address", error.Pointer);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://echo.example.com", true)]
    [InlineData("http://127.0.0.1:8082/base", true)]
    [InlineData("echo.example.com", false)]
    [InlineData("grpc://echo.example.com", false)]
    [InlineData("https://echo.example.com/?a=1", false)]
    public void TryParseBackendAddress_AppliesCompilerRules(string text, bool ok)
    {
        Assert.Equal(ok, CompileOptions.TryParseBackendAddress(text, out Uri? address, out string? error));
        Assert.Equal(ok, address is not null);
        Assert.Equal(ok, error is null);
    }
}
