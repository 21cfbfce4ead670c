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
    [InlineData("/pet/123/num/987", "", "/dynamicrouting/getpetbyid?pet_id=123&number=987")]
    [InlineData("/pet/31/num/565", "?lang=US&zone=us-west1", "/dynamicrouting/getpetbyid?lang=US&zone=us-west1&pet_id=31&number=565")]
    [InlineData("/pet/a%20b/num/9%3B8", "", "/dynamicrouting/getpetbyid?pet_id=a%20b&number=9%3B8")]
    [InlineData("/field_path/a/1/b/2/x/9/8/7:upload", "", "/dynamicrouting/upload?s_1=a/1/b/2/x/9/8&s_2=7:upload")]
    [InlineData("/wildcard/a/1/b/2/c/d/e", "", "/dynamicrouting/wildcard?name=2")]
    [InlineData("/constant/root", "?q=1", "/?q=1")]
    [InlineData("/constant/slash", "", "/dynamicrouting/slash")]
    public void Translate_ConstantAddress_QueryFirstThenVariablesRaw(string path, string query, string expected)
    {
        Assert.Equal(expected, PathTranslator.Translate(Match(path), query));
    }

    [Theory]
    [InlineData("/searchpet", "?timezone=PST&lang=US", "/dynamicrouting/searchpet/searchpet?timezone=PST&lang=US")]
    [InlineData("/searchdog", "", "/dynamicrouting/searchdogs/searchdog")]
    [InlineData("/pets/cat/year/2018/", "", "/pets/cat/year/2018/")]
    [InlineData("/pets/c%20t/year/1", "", "/pets/c%20t/year/1")]
    public void Translate_AppendPathToAddress_PrefixesAddressPath(string path, string query, string expected)
    {
        Assert.Equal(expected, PathTranslator.Translate(Match(path), query));
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
              /pet/{pet_id}/num/{number}:
                get:
                  operationId: getPetById
                  x-google-backend: { address: "https://b.example.com/dynamicrouting/getpetbyid", path_translation: CONSTANT_ADDRESS }
              /field_path/{s_1=**}/{s_2=**}:
                get:
                  operationId: upload
                  x-google-backend: { address: "https://b.example.com/dynamicrouting/upload", path_translation: CONSTANT_ADDRESS }
              /wildcard/a/*/b/{name=*}/c/**:
                get:
                  operationId: wildcard
                  x-google-backend: { address: "https://b.example.com/dynamicrouting/wildcard" }
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
            """);
        return result.Policy ?? throw new InvalidOperationException(string.Join("\n", result.Diagnostics));
    }
}
