namespace Portcullis.Gateway.Tests.Jwt;

/// <summary>API configs for the caller-JWT tests; <c>{backend}</c> is the echo backend, <c>{issuer}</c> the fake issuer's URL.</summary>
internal static class JwtConfigs
{
    public const string Audience = "https://jwt.endpoints.test-project.cloud.goog";

    /// <summary>Every <c>security</c> shape of the reference's §2 table, with two JWT providers and an API key.</summary>
    public const string Shapes = """
        swagger: "2.0"
        info: { title: Jwt, version: "1" }
        host: jwt.endpoints.test-project.cloud.goog
        x-google-backend: { address: "{backend}" }
        securityDefinitions:
          api_key: { type: apiKey, name: key, in: query }
          issuer_a:
            type: oauth2
            flow: implicit
            authorizationUrl: ""
            x-google-issuer: "{issuer}"
            x-google-jwks_uri: "{issuer}/jwks"
          issuer_b:
            type: oauth2
            flow: implicit
            authorizationUrl: ""
            x-google-issuer: "https://b.example.com"
            x-google-jwks_uri: "{issuer}/jwks"
            x-google-audiences: "b-client, https://other.example.com/"
        security:
          - issuer_a: []
        paths:
          /inherited:
            get: { operationId: inherited }
          /jwt:
            get:
              operationId: jwtOnly
              security: [{ issuer_a: [] }]
          /scopes:
            get:
              operationId: scopes
              security: [{ issuer_a: [read, write] }]
          /either-jwt:
            get:
              operationId: eitherJwt
              security: [{ issuer_a: [] }, { issuer_b: [] }]
          /jwt-and-key:
            get:
              operationId: jwtAndKey
              security: [{ issuer_a: [], api_key: [] }]
          /key-or-jwt:
            get:
              operationId: keyOrJwt
              security: [{ issuer_a: [] }, { api_key: [] }]
          /optional-jwt:
            get:
              operationId: optionalJwt
              security: [{ issuer_a: [] }, {}]
          /open:
            get:
              operationId: open
              security: []
          /key:
            get:
              operationId: keyOnly
              security: [{ api_key: [] }]
        """;

    /// <summary>One JWT-only route <c>/jwt</c> whose provider reads its keys from <paramref name="keysPath"/> of the issuer (omitted: OpenID discovery).</summary>
    public static string Single(string? keysPath = "/jwks", string extra = "") => $$"""
        swagger: "2.0"
        info: { title: Jwt, version: "1" }
        host: jwt.endpoints.test-project.cloud.goog
        x-google-backend: { address: "{backend}" }
        securityDefinitions:
          issuer_a:
            type: oauth2
            flow: implicit
            authorizationUrl: ""
            x-google-issuer: "{issuer}"
        {{(keysPath is null ? "" : $"    x-google-jwks_uri: \"{{issuer}}{keysPath}\"")}}
        {{extra}}
        security: [{ issuer_a: [] }]
        paths:
          /jwt:
            get: { operationId: jwtOnly }
        """;

    public static string With(this string config, string issuer) => config.Replace("{issuer}", issuer, StringComparison.Ordinal);
}
