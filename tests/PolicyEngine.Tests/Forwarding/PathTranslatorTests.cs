using Portcullis.PolicyEngine.Compilation;
using Portcullis.PolicyEngine.Forwarding;
using Portcullis.PolicyEngine.Policy;
using Portcullis.PolicyEngine.Routing;

namespace Portcullis.PolicyEngine.Tests.Forwarding;

/// <summary>ESPv2's examples (espv2-behaviour.md §4.2) for both translations.</summary>
public sealed class PathTranslatorTests
{
    private static readonly ApiPolicy s_policy = Compile();

    [Theory]
    // ESPv2 dynamic_routing examples.
    [InlineData("/pet/123/num/987", "", "/dynamicrouting/getpetbyid?pet_id=123&number=987")]
    [InlineData("/pet/31/num/565", "?lang=US&zone=us-west1", "/dynamicrouting/getpetbyid?lang=US&zone=us-west1&pet_id=31&number=565")]
    [InlineData("/pet/a%20b/num/9%3B8", "", "/dynamicrouting/getpetbyid?pet_id=a%20b&number=9%3B8")]
    [InlineData("/pet/a%2Fb/num/1", "", "/dynamicrouting/getpetbyid?pet_id=a%2Fb&number=1")]
    [InlineData("/pet/1/num/2/", "", "/dynamicrouting/getpetbyid?pet_id=1&number=2")]
    // Unnamed '*' and '**' produce no parameter: /wildcard/a/*/b/{name=*}/c/** → ?name=2.
    [InlineData("/wildcard/a/1/b/2/c/d/e", "", "/dynamicrouting/wildcard?name=2")]
    [InlineData("/wildcard/a/1/b/2/c/3/4/5", "?key2=value", "/dynamicrouting/wildcard?key2=value&name=2")]
    // '**' bindings keep their slashes.
    [InlineData("/field_path/a/1/b/2", "", "/dynamicrouting/upload?s_1=a/1/b/2")]
    [InlineData("/field_path/x/9/8/7/upload", "?q=1", "/dynamicrouting/upload/all?q=1&s_2=x/9/8/7")]
    // Names as written in the OpenAPI template.
    [InlineData("/libraries/lib1/shelves/s2", "", "/shelves?library_id=lib1&shelfId=s2")]
    // No variables: the query is kept as it is.
    [InlineData("/constant/root", "?q=1", "/?q=1")]
    [InlineData("/constant/root", "", "/")]
    // A trailing '/' on the constant path is stripped.
    [InlineData("/constant/slash", "", "/dynamicrouting/slash")]
    [InlineData("/constant/slash", "?a=1", "/dynamicrouting/slash?a=1")]
    public void Translate_ConstantAddress_QueryFirstThenVariablesRaw(string path, string query, string expected)
    {
        Assert.Equal(expected, PathTranslator.Translate(Match(path), query));
    }

    [Fact]
    public void Translate_ConstantAddressWithBareQuestionMark_AppendsVariablesAsParameters()
    {
        // A request target ending in '?' has an empty query; ESPv2 keeps it and appends "&name=value".
        // The variables must not become part of a parameter called "?pet_id".
        string target = PathTranslator.Translate(Match("/pet/123/num/987"), "?");

        Assert.Equal("/dynamicrouting/getpetbyid?&pet_id=123&number=987", target);
    }

    [Theory]
    // ESPv2 examples: the address path, without its trailing '/', prefixes the request path.
    [InlineData("/searchpet", "?timezone=PST&lang=US", "/dynamicrouting/searchpet/searchpet?timezone=PST&lang=US")]
    [InlineData("/searchdog", "", "/dynamicrouting/searchdogs/searchdog")]
    [InlineData("/searchdog/", "", "/dynamicrouting/searchdogs/searchdog/")]
    // A root address passes the path through; the request's trailing slash and escapes are kept.
    [InlineData("/pets/cat/year/2018/", "", "/pets/cat/year/2018/")]
    [InlineData("/pets/c%20t/year/1", "", "/pets/c%20t/year/1")]
    [InlineData("/pets/a%2Fb/year/1", "?x=%2F", "/pets/a%2Fb/year/1?x=%2F")]
    [InlineData("/", "?q", "/?q")]
    // A root address written with a trailing '/' is the same.
    [InlineData("/rootslash/x", "", "/rootslash/x")]
    // Variables never become parameters with APPEND_PATH_TO_ADDRESS.
    [InlineData("/append/7", "?a=1", "/base/append/7?a=1")]
    public void Translate_AppendPathToAddress_PrefixesAddressPath(string path, string query, string expected)
    {
        Assert.Equal(expected, PathTranslator.Translate(Match(path), query));
    }

    [Fact]
    public void Translate_NoOperation_Throws()
    {
        RouteMatch noRoute = s_policy.Routes.TryMatch("GET", "/nowhere");

        Assert.Throws<ArgumentException>(() => PathTranslator.Translate(noRoute, ""));
    }

    private static RouteMatch Match(string path)
    {
        RouteMatch match = s_policy.Routes.TryMatch("GET", path);
        Assert.Equal(RouteOutcome.Matched, match.Outcome);
        return match;
    }

    private static ApiPolicy Compile()
    {
        CompileResult result = PolicyCompiler.Compile("""
            swagger: "2.0"
            info: { title: T, version: "1" }
            x-google-backend: { address: "https://root.example.com" }
            paths:
              /:
                get: { operationId: root }
              /pet/{pet_id}/num/{number}:
                get:
                  operationId: getPetById
                  x-google-backend: { address: "https://b.example.com/dynamicrouting/getpetbyid", path_translation: CONSTANT_ADDRESS }
              /field_path/{s_1=**}:
                get:
                  operationId: upload
                  x-google-backend: { address: "https://b.example.com/dynamicrouting/upload", path_translation: CONSTANT_ADDRESS }
              /field_path/{s_2=**}/upload:
                get:
                  operationId: uploadAll
                  x-google-backend: { address: "https://b.example.com/dynamicrouting/upload/all", path_translation: CONSTANT_ADDRESS }
              /wildcard/a/*/b/{name=*}/c/**:
                get:
                  operationId: wildcard
                  x-google-backend: { address: "https://b.example.com/dynamicrouting/wildcard" }
              /libraries/{library_id=*}/shelves/{shelfId}:
                get:
                  operationId: getShelf
                  x-google-backend: { address: "https://b.example.com/shelves" }
              /constant/root:
                get:
                  operationId: constantRoot
                  x-google-backend: { address: "https://b.example.com", path_translation: CONSTANT_ADDRESS }
              /constant/slash:
                get:
                  operationId: constantSlash
                  x-google-backend: { address: "https://b.example.com/dynamicrouting/slash/", path_translation: CONSTANT_ADDRESS }
              /searchpet:
                get:
                  operationId: searchPet
                  x-google-backend: { address: "https://b.example.com/dynamicrouting/searchpet", path_translation: APPEND_PATH_TO_ADDRESS }
              /searchdog:
                get:
                  operationId: searchDog
                  x-google-backend: { address: "https://b.example.com/dynamicrouting/searchdogs/", path_translation: APPEND_PATH_TO_ADDRESS }
              /pets/{kind}/year/{year}:
                get:
                  operationId: pets
              /rootslash/x:
                get:
                  operationId: rootSlash
                  x-google-backend: { address: "https://b.example.com/", path_translation: APPEND_PATH_TO_ADDRESS }
              /append/{id}:
                get:
                  operationId: append
                  x-google-backend: { address: "https://b.example.com/base", path_translation: APPEND_PATH_TO_ADDRESS }
            """);
        return result.Policy ?? throw new InvalidOperationException(string.Join("\n", result.Diagnostics));
    }
}
