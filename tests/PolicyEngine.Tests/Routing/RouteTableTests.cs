using Portcullis.PolicyEngine.Compilation;
using Portcullis.PolicyEngine.Policy;
using Portcullis.PolicyEngine.Routing;

namespace Portcullis.PolicyEngine.Tests.Routing;

/// <summary>
/// Matching as espv2-behaviour.md §5 describes it. Paths here are already normalized, as the
/// gateway normalizes before it matches (so "two trailing slashes" only reaches the table unmerged).
/// </summary>
public sealed class RouteTableTests
{
    private static readonly ApiPolicy s_policy = Compile("""
          /allow-all/exact-match:
            get: { operationId: exact }
          /allow-all/{single_wildcard=*}:
            get: { operationId: single }
          /allow-all/{double_wildcard=**}:
            get: { operationId: double }
          /echo/{id}/path:
            get: { operationId: echoPath }
          /wildcard/a/*/b/{name=*}/c/**:
            get: { operationId: wildcard }
          /items/{id}:
            get: { operationId: getItem }
            delete: { operationId: deleteItem }
          /items/special:
            post: { operationId: postSpecial }
          /files/{path=**}/raw:
            get: { operationId: rawFile }
          /shelves:
            get: { operationId: listShelves }
            post: { operationId: createShelf }
          /:
            get: { operationId: root }
        """);

    [Theory]
    // ESPv2 "Route match ordering": exact > {v=*} > {v=**}.
    [InlineData("GET", "/allow-all/exact-match", "exact")]
    [InlineData("GET", "/allow-all/exact-match/", "exact")]
    [InlineData("GET", "/allow-all/other", "single")]
    [InlineData("GET", "/allow-all/other/", "single")]
    [InlineData("GET", "/allow-all/a/b", "double")]
    [InlineData("GET", "/allow-all/exact-match/more", "double")]
    [InlineData("GET", "/allow-all/", "double")]
    // One optional trailing slash.
    [InlineData("GET", "/echo/123/path", "echoPath")]
    [InlineData("GET", "/echo/123/path/", "echoPath")]
    [InlineData("GET", "/shelves", "listShelves")]
    [InlineData("GET", "/shelves/", "listShelves")]
    [InlineData("POST", "/shelves", "createShelf")]
    // '**' matches zero or more characters, so "/c/" matches but "/c" does not (below).
    [InlineData("GET", "/wildcard/a/1/b/2/c/", "wildcard")]
    [InlineData("GET", "/wildcard/a/1/b/2/c/d/e", "wildcard")]
    [InlineData("GET", "/files/a/raw", "rawFile")]
    [InlineData("GET", "/files/a/b/raw", "rawFile")]
    [InlineData("GET", "/files/a/b/raw/", "rawFile")]
    [InlineData("GET", "/files/raw/raw", "rawFile")]
    // Method-aware: a lower-precedence template that has the method wins over a 405.
    [InlineData("GET", "/items/special", "getItem")]
    [InlineData("DELETE", "/items/special", "deleteItem")]
    [InlineData("POST", "/items/special", "postSpecial")]
    [InlineData("GET", "/", "root")]
    // %2F is data: it stays inside one segment.
    [InlineData("GET", "/items/a%2Fb", "getItem")]
    [InlineData("GET", "/allow-all/exact-match%2Fx", "single")]
    public void TryMatch_Path_FindsOperationInEspPrecedence(string method, string path, string operationId)
    {
        RouteMatch match = s_policy.Routes.TryMatch(method, path);

        Assert.Equal(RouteOutcome.Matched, match.Outcome);
        Assert.Equal(operationId, match.Operation!.OperationId);
        Assert.Same(match.Operation.Template, match.Template);
    }

    [Theory]
    // Case-sensitive (ESPv2: /echo/123/PATH/ → 404).
    [InlineData("/echo/123/PATH/")]
    [InlineData("/echo/123/PATH")]
    [InlineData("/Echo/123/path")]
    [InlineData("/SHELVES")]
    // '**' after "/c/" needs the slash.
    [InlineData("/wildcard/a/1/b/2/c")]
    // '*' is exactly one segment.
    [InlineData("/wildcard/a/1/2/3/b/4/c/")]
    [InlineData("/echo/1/2/path")]
    // At most one trailing slash.
    [InlineData("/echo/123/path//")]
    [InlineData("/shelves//")]
    [InlineData("/items")]
    [InlineData("/files/raw")]
    [InlineData("/files/a/raw/b")]
    [InlineData("/allow-all")]
    [InlineData("/nothing")]
    [InlineData("/shelves/extra")]
    public void TryMatch_NoTemplate_IsNoRoute(string path)
    {
        RouteMatch match = s_policy.Routes.TryMatch("GET", path);

        Assert.Equal(RouteOutcome.NoRoute, match.Outcome);
        Assert.Null(match.Operation);
        Assert.Null(match.Template);
    }

    [Theory]
    [InlineData("PUT", "/items/3", "/items/{id}")]
    [InlineData("PATCH", "/items/3/", "/items/{id}")]
    [InlineData("PUT", "/items/special", "/items/special")]
    [InlineData("DELETE", "/shelves", "/shelves")]
    [InlineData("POST", "/", "/")]
    [InlineData("POST", "/allow-all/exact-match", "/allow-all/exact-match")]
    [InlineData("POST", "/allow-all/x/y", "/allow-all/{double_wildcard=**}")]
    // HTTP methods are case-sensitive (RFC 9110 §9.1); only what the config declares is routed.
    [InlineData("get", "/shelves", "/shelves")]
    [InlineData("HEAD", "/shelves", "/shelves")]
    [InlineData("OPTIONS", "/shelves", "/shelves")]
    public void TryMatch_TemplateWithoutMethod_IsMethodNotAllowedNamingTemplate(string method, string path, string template)
    {
        RouteMatch match = s_policy.Routes.TryMatch(method, path);

        Assert.Equal(RouteOutcome.MethodNotAllowed, match.Outcome);
        Assert.Null(match.Operation);
        Assert.Equal(template, match.Template!.Text);
    }

    [Fact]
    public void TryMatch_Captures_AreRawAndKeepSlashesForDoubleWildcard()
    {
        RouteMatch match = s_policy.Routes.TryMatch("GET", "/wildcard/a/x%2Fy/b/n/c/p/q");

        Assert.Equal(3, match.CaptureCount);
        Assert.Equal("x%2Fy", match.CaptureValue(0).ToString());
        Assert.Equal("n", match.CaptureValue(1).ToString());
        Assert.Equal("p/q", match.CaptureValue(2).ToString());
        Assert.Equal("/wildcard/a/x%2Fy/b/n/c/p/q", match.Path);
    }

    [Fact]
    public void TryMatch_DoubleWildcardBeforeLiteral_CapturesEverySegmentBetween()
    {
        RouteMatch match = s_policy.Routes.TryMatch("GET", "/files/a/raw/b/raw");

        Assert.Equal("rawFile", match.Operation!.OperationId);
        Assert.Equal("a/raw/b", match.CaptureValue(0).ToString());
    }

    [Fact]
    public void TryMatch_FallbackAfterFailedBranch_HasOnlyTheWinningCaptures()
    {
        RouteMatch match = s_policy.Routes.TryMatch("DELETE", "/items/special");

        Assert.Equal(1, match.CaptureCount);
        Assert.Equal("special", match.CaptureValue(0).ToString());
    }

    [Theory]
    // ESPv2 (httppattern sort_impl.go): below '**' the segments that follow it come first, "/**/a"
    // before "/**". Otherwise a public "/public/**" would swallow "/public/**/admin" and its key check.
    [InlineData("/public/a/admin", "admin", KeyRequirement.Required)]
    [InlineData("/public/a/b/admin", "admin", KeyRequirement.Required)]
    [InlineData("/public/a/b/admin/", "admin", KeyRequirement.Required)]
    [InlineData("/public/admin/admin", "admin", KeyRequirement.Required)]
    [InlineData("/public/a/admin/x", "publicFiles", KeyRequirement.None)]
    [InlineData("/public/a/b", "publicFiles", KeyRequirement.None)]
    [InlineData("/public/admin", "publicFiles", KeyRequirement.None)]
    [InlineData("/public/", "publicFiles", KeyRequirement.None)]
    public void TryMatch_SegmentsAfterDoubleWildcard_OutrankTheDoubleWildcard(string path, string operationId, KeyRequirement requirement)
    {
        ApiPolicy policy = Compile(
            """
              /public/{rest=**}:
                get: { operationId: publicFiles, security: [] }
              /public/{rest=**}/admin:
                get: { operationId: admin }
            """,
            "security: [{ api_key: [] }]\n");

        RouteMatch match = policy.Routes.TryMatch("GET", path);

        Assert.Equal(operationId, match.Operation!.OperationId);
        Assert.Equal(requirement, match.Operation.KeyRequirement);
    }

    [Fact]
    public void TryMatch_DoubleWildcardThenLiteral_WrongMethodNamesTheMoreSpecificTemplate()
    {
        ApiPolicy policy = Compile("""
              /public/{rest=**}:
                get: { operationId: publicFiles }
              /public/{rest=**}/admin:
                get: { operationId: admin }
            """);

        Assert.Equal("/public/{rest=**}/admin", policy.Routes.TryMatch("POST", "/public/a/admin").Template!.Text);
        Assert.Equal("/public/{rest=**}", policy.Routes.TryMatch("POST", "/public/a").Template!.Text);
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("POST")]
    [InlineData("PUT")]
    [InlineData("PATCH")]
    [InlineData("DELETE")]
    public void AllowAll_UnknownPath_GoesToTopBackendWithoutKey(string method)
    {
        ApiPolicy policy = AllowAllPolicy();

        RouteMatch match = policy.Routes.TryMatch(method, "/anything/else");

        Assert.Equal(RouteOutcome.Matched, match.Outcome);
        ApiOperation operation = match.Operation!;
        Assert.True(operation.IsAutoGenerated);
        Assert.Equal(KeyRequirement.None, operation.KeyRequirement);
        Assert.Empty(operation.KeyLocations);
        Assert.Equal(new Uri("https://backend.example.com/base"), operation.Backend.Address);
        Assert.Equal(PathTranslation.AppendPathToAddress, operation.Backend.Translation);
        Assert.Equal($"Google_Autogenerated_Unrecognized_{method[0]}{method[1..].ToLowerInvariant()}_Method_Call", operation.OperationId);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/a")]
    [InlineData("/a/b/c/")]
    public void AllowAll_AnyPathDepth_IsCaught(string path)
    {
        Assert.Equal(RouteOutcome.Matched, AllowAllPolicy().Routes.TryMatch("GET", path).Outcome);
    }

    [Fact]
    public void AllowAll_KnownTemplateWrongMethod_GoesToCatchAllNot405()
    {
        ApiPolicy policy = AllowAllPolicy();

        RouteMatch match = policy.Routes.TryMatch("DELETE", "/known");

        Assert.Equal(RouteOutcome.Matched, match.Outcome);
        Assert.Equal("Google_Autogenerated_Unrecognized_Delete_Method_Call", match.Operation!.OperationId);
        Assert.Equal(KeyRequirement.None, match.Operation.KeyRequirement);
    }

    [Fact]
    public void AllowAll_KnownOperation_KeepsItsKeyRequirementAndBackend()
    {
        RouteMatch match = AllowAllPolicy().Routes.TryMatch("GET", "/known");

        Assert.Equal("known", match.Operation!.OperationId);
        Assert.Equal(KeyRequirement.Required, match.Operation.KeyRequirement);
        Assert.False(match.Operation.IsAutoGenerated);
    }

    [Theory]
    // ESPv2 generates Get, Delete, Patch, Post and Put only.
    [InlineData("OPTIONS")]
    [InlineData("HEAD")]
    [InlineData("TRACE")]
    public void AllowAll_OtherMethods_AreNotCaught(string method)
    {
        Assert.NotEqual(RouteOutcome.Matched, AllowAllPolicy().Routes.TryMatch(method, "/anything").Outcome);
    }

    [Theory]
    [InlineData("/things/1", "getThing")]
    [InlineData("/things/1/", "getThing")]
    [InlineData("/things", "listThings")]
    public void AllowCors_Options_IsGeneratedForEveryTemplateWithoutKey(string path, string sourceOperation)
    {
        ApiPolicy policy = CorsPolicy();

        RouteMatch match = policy.Routes.TryMatch("OPTIONS", path);

        Assert.Equal(RouteOutcome.Matched, match.Outcome);
        ApiOperation options = match.Operation!;
        Assert.True(options.IsAutoGenerated);
        Assert.Equal(KeyRequirement.None, options.KeyRequirement);
        ApiOperation source = policy.Operations.Single(o => o.OperationId == sourceOperation);
        Assert.Same(source.Template, options.Template);
        Assert.Equal(source.Backend, options.Backend);
    }

    [Fact]
    public void AllowCors_OtherMethods_StillNeedTheKey()
    {
        ApiPolicy policy = CorsPolicy();

        Assert.Equal(KeyRequirement.Required, policy.Routes.TryMatch("GET", "/things/1").Operation!.KeyRequirement);
        Assert.Equal(RouteOutcome.NoRoute, policy.Routes.TryMatch("OPTIONS", "/unknown").Outcome);
    }

    [Fact]
    public void AllowCors_OptionsDeclaredInConfig_IsKept()
    {
        RouteMatch match = CorsPolicy().Routes.TryMatch("OPTIONS", "/declared");

        Assert.Equal("declaredOptions", match.Operation!.OperationId);
        Assert.False(match.Operation.IsAutoGenerated);
        Assert.Equal(KeyRequirement.Required, match.Operation.KeyRequirement);
    }

    [Fact]
    public void AllowCors_OpenApi3ServerEndpoint_GeneratesOptions()
    {
        CompileResult result = PolicyCompiler.Compile("""
            openapi: 3.0.3
            info: { title: T, version: "1" }
            servers:
              - url: https://api.example.com
                x-google-endpoint: { allowCors: true }
            x-google-api-management:
              backends:
                main: { address: "https://main.example.com" }
            x-google-backend: main
            paths:
              /a:
                get: { operationId: a }
            """);

        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        Assert.True(result.Policy!.Routes.TryMatch("OPTIONS", "/a").Operation!.IsAutoGenerated);
    }

    private static ApiPolicy AllowAllPolicy() => Compile(
        """
          /known:
            get: { operationId: known }
        """,
        "x-google-allow: all\nsecurity: [{ api_key: [] }]\n",
        "https://backend.example.com/base");

    [Theory]
    // ESPv2 binds "a/b" for both "/allow-all/a/b/" and "/allow-all/a/b///" (normalized to one slash).
    [InlineData("/allow-all/a/b/", "a/b")]
    [InlineData("/allow-all/a/b", "a/b")]
    [InlineData("/allow-all/exact-match/more/", "exact-match/more")]
    public void TryMatch_DoubleWildcardBinding_DoesNotCarryTheTrailingSlash(string path, string bound)
    {
        RouteMatch match = s_policy.Routes.TryMatch("GET", path);

        Assert.Equal("double", match.Operation!.OperationId);
        Assert.Equal(bound, match.CaptureValue(0).ToString());
    }

    private static readonly ApiPolicy s_verbs = Compile("""
          /book:read:
            get: { operationId: readBook }
          /some/const:verb:
            get: { operationId: someConstVerb }
          /some/*:verb:
            get: { operationId: someVerb }
          /some/*/foo:verb:
            get: { operationId: someFooVerb }
          /some/{id}:
            get: { operationId: someId }
          /other/{rest=**}:verb:
            get: { operationId: otherVerb }
          /other/**/const:verb:
            get: { operationId: otherConstVerb }
          /v1/{name}:cancel:
            post: { operationId: cancel }
        """);

    [Theory]
    // ESPv2's generated route is "^/book\/?:read$": the optional slash sits before the verb.
    [InlineData("GET", "/book:read", "readBook")]
    [InlineData("GET", "/book/:read", "readBook")]
    // ESPv2 path_matcher_test.cc CustomVerbMatches.
    [InlineData("GET", "/some/const:verb", "someConstVerb")]
    [InlineData("GET", "/some/other:verb", "someVerb")]
    [InlineData("GET", "/some/bar/foo:verb", "someFooVerb")]
    [InlineData("GET", "/other/bar/foo:verb", "otherVerb")]
    [InlineData("GET", "/other/bar/foo/const:verb", "otherConstVerb")]
    [InlineData("POST", "/v1/op-1:cancel", "cancel")]
    // A colon that is no configured verb is data of the segment.
    [InlineData("GET", "/some/x:unknown", "someId")]
    [InlineData("GET", "/some/x:verb2", "someId")]
    // A slash after the colon: no verb, so the wildcard takes "other:verb" as data.
    [InlineData("GET", "/some/other:verb/", "someId")]
    public void TryMatch_CustomVerb_RoutesAsEsp(string method, string path, string operationId)
    {
        RouteMatch match = s_verbs.Routes.TryMatch(method, path);

        Assert.Equal(RouteOutcome.Matched, match.Outcome);
        Assert.Equal(operationId, match.Operation!.OperationId);
    }

    [Theory]
    [InlineData("/some/foo1/foo2/foo:verb")]
    [InlineData("/book:read/")]
    [InlineData("/book//:read")]
    [InlineData("/book/read")]
    [InlineData("/book")]
    public void TryMatch_CustomVerb_NoRouteWhereEspHasNone(string path)
    {
        Assert.Equal(RouteOutcome.NoRoute, s_verbs.Routes.TryMatch("GET", path).Outcome);
    }

    [Fact]
    public void TryMatch_CustomVerb_CapturesExcludeTheVerb()
    {
        RouteMatch match = s_verbs.Routes.TryMatch("POST", "/v1/op-1:cancel");

        Assert.Equal("op-1", match.CaptureValue(0).ToString());
        Assert.Equal("/v1/op-1:cancel", match.Path);
        Assert.Equal("otherVerb", s_verbs.Routes.TryMatch("GET", "/other/a/b/:verb").Operation!.OperationId);
        Assert.Equal("a/b", s_verbs.Routes.TryMatch("GET", "/other/a/b/:verb").CaptureValue(0).ToString());
    }

    [Fact]
    public void TryMatch_CustomVerb_WrongMethod_IsMethodNotAllowedNamingTheVerbTemplate()
    {
        RouteMatch match = s_verbs.Routes.TryMatch("GET", "/v1/op-1:cancel");

        Assert.Equal(RouteOutcome.MethodNotAllowed, match.Outcome);
        Assert.Equal("/v1/{name}:cancel", match.Template!.Text);
    }

    private static ApiPolicy CorsPolicy() => Compile(
        """
          /things/{id}:
            get: { operationId: getThing }
            post:
              operationId: postThing
              x-google-backend: { address: "https://other.example.com/post" }
          /things:
            get: { operationId: listThings }
          /declared:
            get: { operationId: declaredGet }
            options: { operationId: declaredOptions }
        """,
        "x-google-endpoints: [{ name: api.example.com, allowCors: true }]\nsecurity: [{ api_key: [] }]\n");

    private static ApiPolicy Compile(string paths, string extra = "", string backend = "https://backend.example.com")
    {
        CompileResult result = PolicyCompiler.Compile($$"""
            swagger: "2.0"
            info: { title: T, version: "1" }
            x-google-backend: { address: "{{backend}}" }
            securityDefinitions:
              api_key: { type: apiKey, name: key, in: query }
            {{extra}}paths:
            {{paths}}
            """);
        return result.Policy ?? throw new InvalidOperationException(string.Join("\n", result.Diagnostics));
    }
}
