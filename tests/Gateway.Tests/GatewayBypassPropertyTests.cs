using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using Portcullis.Gateway.Tests.Infrastructure;
using Portcullis.Testing;

namespace Portcullis.Gateway.Tests;

/// <summary>
/// Property: over thousands of generated paths (dot segments, encoded dots and slashes, doubled
/// slashes, case, trailing slashes, parameters) against a config with public and protected
/// operations, every request that reaches a protected backend carried a valid key.
/// </summary>
public sealed class GatewayBypassPropertyTests : GatewayTestBase
{
    private const string Config = """
        swagger: "2.0"
        info: { title: Mixed, version: "1" }
        x-google-backend:
          address: {backend}/protected
        securityDefinitions:
          api_key: { type: apiKey, name: key, in: query }
        security:
          - api_key: []
        paths:
          /public/{x}:
            get:
              operationId: publicOne
              security: []
              x-google-backend: { address: "{backend}/public", path_translation: APPEND_PATH_TO_ADDRESS }
          /docs/{p=**}:
            get:
              operationId: docs
              security: []
              x-google-backend: { address: "{backend}/public", path_translation: APPEND_PATH_TO_ADDRESS }
          /items:
            get: { operationId: listItems }
          /items/{id}:
            get: { operationId: getItem }
            delete: { operationId: deleteItem }
          /items/{id}/secret:
            get: { operationId: getSecret }
          /admin/**:
            get: { operationId: adminGet }
            post: { operationId: adminPost }
        """;

    private static readonly string[] s_segments =
    [
        "public", "items", "admin", "docs", "secret", "1", "x", ".", "..", "%2e%2e", "%2E", ".%2E", "%2F", "",
        "a%2Fb", "%69tems", "ITEMS", "Public", "%70ublic", ";x=1", "..;", "~", "%25", "items;", "%2e", "admin%2F..",
    ];

    private static readonly string[] s_realPaths =
    [
        "/public/x", "/public/items", "/docs/a", "/docs/a/b/c", "/items", "/items/1", "/items/1/secret", "/admin/x", "/admin/a/b",
    ];

    private static readonly string[] s_keys = ["", "key=" + TestGateway.ValidKey, "key=ptc_wrong", "key=" + TestGateway.ExpiredKey, "api_key=" + TestGateway.ValidKey];

    private static string RandomPath(Random random)
    {
        string path = "";
        int count = random.Next(1, 6);
        for (int s = 0; s < count; s++)
        {
            path += (random.Next(8) == 0 ? "//" : "/") + s_segments[random.Next(s_segments.Length)];
        }

        return random.Next(4) == 0 ? path + "/" : path;
    }

    // One to three edits of a real path: extra segments (dot segments, encoded dots and slashes),
    // percent-encoded letters, doubled slashes, case changes, trailing slashes, ';' parameters.
    private static string Mutate(string path, Random random)
    {
        int edits = random.Next(1, 4);
        for (int e = 0; e < edits; e++)
        {
            var segments = path.Split('/').ToList();
            int at = random.Next(1, segments.Count + 1);
            switch (random.Next(7))
            {
                case 0:
                    segments.Insert(at, s_segments[random.Next(s_segments.Length)]);
                    break;
                case 1:
                    segments.Insert(at, s_segments[random.Next(s_segments.Length)] + "/..");
                    break;
                case 2:
                    int c = random.Next(1, path.Length);
                    path = char.IsAsciiLetterOrDigit(path[c]) || path[c] is '.' or '/'
                        ? path[..c] + "%" + ((int)path[c]).ToString("X2", CultureInfo.InvariantCulture) + path[(c + 1)..]
                        : path;
                    continue;
                case 3:
                    path = path.Replace("/", random.Next(2) == 0 ? "//" : "/./", StringComparison.Ordinal);
                    continue;
                case 4:
                    int u = random.Next(1, segments.Count);
                    segments[u] = segments[u].ToUpperInvariant();
                    break;
                case 5:
                    path += random.Next(2) == 0 ? "/" : ";x=1";
                    continue;
                default:
                    segments.Insert(at, "..");
                    break;
            }

            path = string.Join('/', segments);
        }

        return path;
    }

    internal override Task<TestGateway> StartGatewayAsync(EchoBackend backend) => TestGateway.StartAsync(Config, backend.BaseAddress);

    [Fact]
    public async Task GeneratedPaths_ProtectedBackendOnlyEverSeesValidKeys()
    {
        const int cases = 4000;
        var random = new Random(20261124);
        var sent = new (HttpMethod Method, string Target, bool ValidKey)[cases];
        for (int i = 0; i < cases; i++)
        {
            string path = random.Next(4) == 0 ? RandomPath(random) : Mutate(s_realPaths[random.Next(s_realPaths.Length)], random);
            string key = s_keys[random.Next(s_keys.Length)];
            HttpMethod method = random.Next(4) switch { 0 => HttpMethod.Delete, 1 => HttpMethod.Post, _ => HttpMethod.Get };
            bool valid = key.EndsWith(TestGateway.ValidKey, StringComparison.Ordinal);
            sent[i] = (method, key.Length == 0 ? path : path + "?" + key, valid);
        }

        var statuses = new ConcurrentDictionary<int, int>();
        await Parallel.ForEachAsync(Enumerable.Range(0, cases), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
        {
            HttpResponseMessage response = await Gateway.SendRawAsync(sent[i].Method, sent[i].Target, r =>
                r.Headers.Add("X-Test-Id", i.ToString(CultureInfo.InvariantCulture)));
            statuses.AddOrUpdate((int)response.StatusCode, 1, (_, n) => n + 1);
        });

        Assert.DoesNotContain(statuses.Keys, s => s >= 500);
        int protectedHits = 0;
        foreach (RecordedRequest received in Backend.Requests)
        {
            int id = int.Parse(received.Header("X-Test-Id")!, CultureInfo.InvariantCulture);
            Assert.DoesNotContain(TestGateway.ValidKey, received.RawTarget, StringComparison.Ordinal);
            if (received.Path.StartsWith("/protected", StringComparison.Ordinal))
            {
                protectedHits++;
                Assert.True(sent[id].ValidKey, $"{sent[id].Method} {sent[id].Target} reached {received.RawTarget} without a valid key");
                Assert.Equal("acme", received.Header("X-Portcullis-Consumer"));
            }
            else
            {
                Assert.StartsWith("/public/", received.Path, StringComparison.Ordinal);
            }
        }

        // The generator must actually exercise both sides, or the property says nothing.
        Assert.True(protectedHits > 50, $"only {protectedHits} protected hits");
        Assert.True(Backend.RequestCount - protectedHits > 50, "too few public hits");
        string histogram = string.Join(", ", statuses.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}: {kv.Value}"));
        Assert.True(statuses.GetValueOrDefault((int)HttpStatusCode.Unauthorized) > 50, "too few 401s: " + histogram);
    }
}
