namespace Portcullis.Gateway.Tests.Infrastructure;

/// <summary>API configs used by the functional tests; <c>{backend}</c> is replaced by the echo backend's origin.</summary>
internal static class Configs
{
    /// <summary>One metered operation (<c>listThings</c>: <paramref name="cost"/> of <c>read-requests</c>, <paramref name="readLimit"/> a minute per consumer) and one free one.</summary>
    public static string Quota(long readLimit, long cost = 1, string host = "quota.endpoints.test-project.cloud.goog") => $$"""
        swagger: "2.0"
        info: { title: Quota, version: "1" }
        host: {{host}}
        x-google-backend: { address: "{backend}" }
        securityDefinitions:
          api_key: { type: apiKey, name: key, in: query }
        security: [{ api_key: [] }]
        x-google-management:
          metrics:
            - { name: read-requests, displayName: Reads, valueType: INT64, metricKind: DELTA }
          quota:
            limits:
              - { name: read-limit, metric: read-requests, unit: "1/min/{project}", values: { STANDARD: {{readLimit}} } }
        paths:
          /things:
            get:
              operationId: listThings
              x-google-quota: { metricCosts: { read-requests: {{cost}} } }
          /free:
            get: { operationId: free }
        """;

    /// <summary>Swagger 2.0 in the API Gateway dialect with every security and backend shape the tests need.</summary>
    public const string Bookstore = """
        swagger: "2.0"
        info: { title: Bookstore, version: "1" }
        host: bookstore.endpoints.test-project.cloud.goog
        x-google-backend:
          address: {backend}/api
        securityDefinitions:
          api_key: { type: apiKey, name: key, in: query }
          partner_key: { type: apiKey, name: X-Partner-Key, in: header }
        security:
          - api_key: []
        paths:
          /v1/health:
            get:
              operationId: health
              security: []
              responses: { "200": { description: OK } }
          /v1/shelves:
            get:
              operationId: listShelves
              responses: { "200": { description: OK } }
            post:
              operationId: createShelf
              responses: { "200": { description: OK } }
          /v1/shelves/{shelf}:
            get:
              operationId: getShelf
              responses: { "200": { description: OK } }
          /v1/shelves/{shelf}/books/{book}:
            get:
              operationId: getBook
              x-google-backend:
                address: {backend}/books/lookup
                path_translation: CONSTANT_ADDRESS
                jwt_audience: https://books.example.com
              responses: { "200": { description: OK } }
          /v1/files/{path=**}:
            get:
              operationId: getFile
              x-google-backend:
                address: {backend}/files
                path_translation: CONSTANT_ADDRESS
              responses: { "200": { description: OK } }
          /v1/partners:
            get:
              operationId: listPartners
              security:
                - partner_key: []
              responses: { "200": { description: OK } }
          /v1/either:
            get:
              operationId: either
              security:
                - api_key: []
                - partner_key: []
              responses: { "200": { description: OK } }
          /v1/optional:
            get:
              operationId: optional
              security:
                - api_key: []
                - {}
              responses: { "200": { description: OK } }
          /v1/passthrough:
            get:
              operationId: passthrough
              x-google-backend:
                address: {backend}/pass
                path_translation: APPEND_PATH_TO_ADDRESS
                disable_auth: true
              responses: { "200": { description: OK } }
          /v1/slow:
            get:
              operationId: slow
              x-google-backend:
                address: {backend}
                path_translation: APPEND_PATH_TO_ADDRESS
                deadline: 0.5
              responses: { "200": { description: OK } }
          /v1/down:
            get:
              operationId: down
              x-google-backend:
                address: http://127.0.0.1:9/down
              responses: { "200": { description: OK } }
          /v1/notoken:
            get:
              operationId: notoken
              security: []
              x-google-backend:
                address: {backend}/notoken
                jwt_audience: https://no-token-for-this.example.com
              responses: { "200": { description: OK } }
        """;

    /// <summary>A small keyed API: every operation needs a key in query <c>key</c>.</summary>
    public const string Things = """
        swagger: "2.0"
        info: { title: Things, version: "1" }
        x-google-backend: { address: "{backend}" }
        securityDefinitions:
          api_key: { type: apiKey, name: key, in: query }
        security:
          - api_key: []
        paths:
          /things:
            get: { operationId: listThings }
          /things/{id}:
            get: { operationId: getThing }
        """;
}
