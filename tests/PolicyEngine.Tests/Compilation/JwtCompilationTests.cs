using Portcullis.PolicyEngine.Compilation;
using Portcullis.PolicyEngine.Policy;

namespace Portcullis.PolicyEngine.Tests.Compilation;

/// <summary>JWT schemes: ESPv2's defaults, the OpenAPI 3 form, the requirement shapes, and what validate refuses.</summary>
public sealed class JwtCompilationTests
{
    private const string Head = """
        swagger: "2.0"
        info: { title: T, version: "1" }
        host: api.endpoints.p.cloud.goog
        x-google-backend: { address: "https://backend.example.com" }
        securityDefinitions:
          api_key: { type: apiKey, name: key, in: query }
          google:
            type: oauth2
            flow: implicit
            authorizationUrl: ""
            x-google-issuer: "https://accounts.google.com"
          auth0:
            type: oauth2
            flow: implicit
            authorizationUrl: ""
            x-google-issuer: "https://tenant.auth0.com/"
            x-google-jwks_uri: "https://tenant.auth0.com/.well-known/jwks.json"
            x-google-audiences: "client-a, https://api.example.com/ ,client-b"
            x-google-jwt-locations:
              - header: X-Token
                value_prefix: "Token "
              - query: jwt

        """;

    private static ApiPolicy Compile(string config)
    {
        CompileResult result = PolicyCompiler.Compile(config);
        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        return result.Policy!;
    }

    private static ApiOperation Operation(ApiPolicy policy, string id) => policy.Operations.Single(o => o.OperationId == id);

    [Fact]
    public void Defaults_AsEspV2()
    {
        ApiPolicy policy = Compile(Head + """
            paths:
              /a:
                get: { operationId: a, security: [{ google: [] }] }
            """);

        JwtProvider provider = Assert.Single(Operation(policy, "a").Authentication.Providers);
        Assert.Equal("https://accounts.google.com", provider.Issuer);
        Assert.Null(provider.JwksUri);
        Assert.Equal(new Uri("https://accounts.google.com/.well-known/openid-configuration"), provider.DiscoveryUri);
        Assert.Equal(["https://api.endpoints.p.cloud.goog"], provider.Audiences);
        Assert.Equal(JwtLocation.Defaults, provider.Locations);
        Assert.Same(provider, Assert.Single(policy.JwtProviders));
    }

    [Fact]
    public void ExplicitSettings_AudiencesSplitAndTrimmed_LocationsReplaceDefaults()
    {
        ApiPolicy policy = Compile(Head + """
            paths:
              /a:
                get: { operationId: a, security: [{ auth0: [read:all] }] }
            """);

        JwtProvider provider = Assert.Single(Operation(policy, "a").Authentication.Providers);
        Assert.Equal(new Uri("https://tenant.auth0.com/.well-known/jwks.json"), provider.JwksUri);
        Assert.Equal(["client-a", "https://api.example.com/", "client-b"], provider.Audiences);
        Assert.Equal([new JwtLocation(KeyLocationKind.Header, "X-Token", "Token "), new JwtLocation(KeyLocationKind.Query, "jwt")], provider.Locations);
    }

    [Fact]
    public void RequirementShapes()
    {
        ApiPolicy policy = Compile(Head + """
            security: [{ google: [] }]
            paths:
              /inherited: { get: { operationId: inherited } }
              /none: { get: { operationId: none, security: [] } }
              /or: { get: { operationId: or, security: [{ google: [] }, { auth0: [] }] } }
              /and: { get: { operationId: and, security: [{ google: [], api_key: [] }] } }
              /either: { get: { operationId: either, security: [{ google: [] }, { api_key: [] }] } }
              /optional: { get: { operationId: optional, security: [{ google: [] }, {}] } }
            """);

        Assert.Equal("JWT from https://accounts.google.com", Operation(policy, "inherited").Authentication.ToString());
        Assert.True(Operation(policy, "none").Authentication.ChecksNothing);
        Assert.Equal(KeyRequirement.None, Operation(policy, "or").KeyRequirement);
        Assert.Equal(2, Operation(policy, "or").Authentication.Providers.Count);
        Assert.True(Operation(policy, "or").Authentication.AlwaysNeedsJwt);

        AuthRequirement and = Operation(policy, "and").Authentication;
        Assert.Equal(KeyRequirement.Required, Operation(policy, "and").KeyRequirement);
        Assert.Equal(KeyLocation.Defaults, Operation(policy, "and").KeyLocations);
        Assert.False(and.IsSatisfied(and.Providers[0], keyVerified: false));
        Assert.True(and.IsSatisfied(and.Providers[0], keyVerified: true));

        AuthRequirement either = Operation(policy, "either").Authentication;
        Assert.Equal(KeyRequirement.Optional, Operation(policy, "either").KeyRequirement);
        Assert.False(either.AlwaysNeedsJwt);
        Assert.True(either.HasKeyOnlyAlternative);
        Assert.True(either.IsSatisfied(null, keyVerified: true));
        Assert.True(either.IsSatisfied(either.Providers[0], keyVerified: false));
        Assert.False(either.IsSatisfied(null, keyVerified: false));

        Assert.True(Operation(policy, "optional").Authentication.AllowsAnonymous);
    }

    [Fact]
    public void OpenApi3_XGoogleAuth()
    {
        ApiPolicy policy = Compile("""
            openapi: 3.0.3
            info: { title: T, version: "1" }
            servers: [{ url: "https://api.example.com" }]
            x-google-api-management:
              backends:
                main: { address: "https://main.example.com" }
            x-google-backend: main
            components:
              securitySchemes:
                firebase:
                  type: openIdConnect
                  openIdConnectUrl: https://securetoken.google.com/p/.well-known/openid-configuration
                  x-google-auth:
                    issuer: https://securetoken.google.com/p
                    audiences: [p, other]
                    jwtLocations:
                      - { header: Authorization, valuePrefix: "Bearer " }
                      - { header: Authorization, valuePrefix: "bearer " }
            security: [{ firebase: [] }]
            paths:
              /a: { get: { operationId: a } }
            """);

        JwtProvider provider = Assert.Single(policy.JwtProviders);
        Assert.Equal(["p", "other"], provider.Audiences);
        Assert.Null(provider.JwksUri);
        Assert.Equal(new Uri("https://securetoken.google.com/p/.well-known/openid-configuration"), provider.DiscoveryUri);
        Assert.Equal(2, provider.Locations.Count);
    }

    public static TheoryData<string, string, string> Refused => new()
    {
        {
            "no issuer",
            "  bad: { type: oauth2, flow: implicit, authorizationUrl: \"\", x-google-issuer: \"\" }\npaths:\n  /a: { get: { operationId: a, security: [{ bad: [] }] } }\n",
            "has no issuer"
        },
        {
            "duplicate issuer",
            "  again: { type: oauth2, flow: implicit, authorizationUrl: \"\", x-google-issuer: \"https://accounts.google.com\" }\npaths:\n  /a: { get: { operationId: a, security: [] } }\n",
            "same issuer 'https://accounts.google.com' as scheme 'google'"
        },
        {
            "malformed location",
            "  loc:\n    type: oauth2\n    x-google-issuer: https://i.example.com\n    x-google-jwt-locations: [{ header: A, query: b }]\npaths:\n  /a: { get: { operationId: a, security: [] } }\n",
            "malformed JWT location"
        },
        {
            "location without a name",
            "  loc:\n    type: oauth2\n    x-google-issuer: https://i.example.com\n    x-google-jwt-locations: [{ value_prefix: \"Bearer \" }]\npaths:\n  /a: { get: { operationId: a, security: [] } }\n",
            "malformed JWT location"
        },
        {
            "AND of two JWT schemes",
            "paths:\n  /a: { get: { operationId: a, security: [{ google: [], auth0: [] }] } }\n",
            "an AND of two JWT schemes"
        },
        {
            "JWKS URL not http(s)",
            "  ftp: { type: oauth2, x-google-issuer: https://f.example.com, x-google-jwks_uri: \"ftp://f.example.com/keys\" }\npaths:\n  /a: { get: { operationId: a, security: [] } }\n",
            "must be an absolute http:// or https:// URL"
        },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void Validate_Refuses_WithPointerAndReason(string name, string tail, string fragment)
    {
        CompileResult result = PolicyCompiler.Compile(Head.TrimEnd('\n') + "\n" + tail);

        Assert.False(result.Succeeded, name);
        Diagnostic error = Assert.Single(result.Errors);
        Assert.Contains(fragment, error.Message, StringComparison.Ordinal);
        Assert.StartsWith("/", error.Pointer, StringComparison.Ordinal);
        Assert.True(error.Line > 0, name);
    }

    [Fact]
    public void NoAudienceAndNoHost_Refused()
    {
        CompileResult result = PolicyCompiler.Compile(Head.Replace("host: api.endpoints.p.cloud.goog\n", "", StringComparison.Ordinal) + """
            paths:
              /a: { get: { operationId: a, security: [{ google: [] }] } }
            """);

        Diagnostic error = Assert.Single(result.Errors);
        Assert.Equal("/securityDefinitions/google", error.Pointer);
        Assert.Contains("default audience", error.Message, StringComparison.Ordinal);
    }
}
