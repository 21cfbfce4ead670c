using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Portcullis.Gateway.Tests.Infrastructure;
using Portcullis.PolicyEngine.Keys;
using Portcullis.Testing;

namespace Portcullis.Gateway.Tests.Hardening;

/// <summary>
/// STYLE.md: never log a raw key. Representative traffic (valid, unknown, expired, revoked,
/// restricted, malformed keys; in query and header; 400/401/403/404/405/414/429, backend failure and refused
/// requests) goes through a gateway whose every log category, at Trace, is captured with scopes,
/// structured values and exceptions; no key may appear in any of it, nor at the backend.
/// </summary>
public sealed class NoKeyInLogsTests : IAsyncLifetime
{
    private const string Malformed = "ptc_malformedSECRET0042";
    private const string GoogleKey = "AIzaSyNoKeyInLogsGoogleApiKey000000000";
    private const string GoogleBadKey = "AIzaSyNoKeyInLogsRefusedApiKey00000000";

    private const string Config = """
        swagger: "2.0"
        info: { title: Logs, version: "1" }
        host: logs.endpoints.test-project.cloud.goog
        x-google-backend: { address: "{backend}/api", disable_auth: true }
        securityDefinitions:
          api_key: { type: apiKey, name: key, in: query }
          partner_key: { type: apiKey, name: X-Partner-Key, in: header }
        security: [{ api_key: [] }]
        x-google-management:
          metrics:
            - { name: reads, valueType: INT64, metricKind: DELTA }
          quota:
            limits:
              - { name: read-limit, metric: reads, unit: "1/min/{project}", values: { STANDARD: 1 } }
        paths:
          /v1/shelves:
            get: { operationId: listShelves }
          /v1/health:
            get: { operationId: health, security: [] }
          /v1/limited:
            get:
              operationId: limited
              x-google-quota: { metricCosts: { reads: 1 } }
          /v1/partners:
            get: { operationId: partners, security: [{ partner_key: [] }] }
          /v1/down:
            get:
              operationId: down
              x-google-backend: { address: "http://127.0.0.1:9/down", disable_auth: true }
          /v1/notoken:
            get:
              operationId: notoken
              x-google-backend: { address: "{backend}/notoken", jwt_audience: "https://no-token-for-this.example.com" }
        """;

    private static readonly string[] s_keys =
        [TestGateway.ValidKey, TestGateway.UnknownKey, TestGateway.ExpiredKey, TestGateway.RevokedKey, TestGateway.LimitedKey, Malformed];

    private readonly LogCapture _logs = new();
    private EchoBackend _backend = null!;

    public async Task InitializeAsync() => _backend = await EchoBackend.StartAsync();

    public async Task DisposeAsync() => await _backend.DisposeAsync();

    [Fact]
    public async Task KeyringTraffic_EveryCategoryAtTrace_NoKeyLoggedOrForwarded()
    {
        await using (TestGateway gateway = await TestGateway.StartAsync(Config, _backend.BaseAddress, null, CaptureEverything))
        {
            var statuses = new List<int>();
            foreach (string key in s_keys)
            {
                foreach (string target in new[] { "/v1/shelves", "/v1/health", "/v1/limited", "/v1/nope", "/v1/down", "/v1/notoken" })
                {
                    statuses.Add(await SendAsync(gateway, "GET", target + "?key=" + key));
                    statuses.Add(await SendAsync(gateway, "GET", target + "?a=1", "x-api-key: " + key));
                }

                statuses.Add(await SendAsync(gateway, "GET", "/v1/partners", "X-Partner-Key: " + key));
                statuses.Add(await SendAsync(gateway, "DELETE", "/v1/shelves?key=" + key));
                statuses.Add(await SendAsync(gateway, "GET", "/v1/shelves?key=" + Escape(key)));
                statuses.Add(await SendAsync(gateway, "GET", "/v1/shelves?key=" + key, "traceparent: 00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"));

                // Refused before or by the gateway's own checks, with the key on board.
                statuses.Add(await SendAsync(gateway, "GET", "/v1/shelves/%zz?key=" + key));
                statuses.Add(await SendAsync(gateway, "GET", "/v1/shelves?key=" + key, "x_api_key: " + key));
                statuses.Add(await SendAsync(gateway, "POST", "/v1/shelves?key=" + key, "Content-Length: 3\r\nTransfer-Encoding: chunked", "0\r\n\r\n"));
                statuses.Add(await SendAsync(gateway, "GET", "/v1/he\u0001alth?key=" + key));
                statuses.Add(await SendAsync(gateway, "GET", "/v1/shelves?key=" + key + "&pad=" + new string('a', 33 * 1024)));
            }

            statuses.Add(await SendAsync(gateway, "GET", "/v1/shelves?key=&api_key=" + TestGateway.ValidKey));
            AssertCovered([200, 400, 401, 403, 404, 405, 414, 429], statuses);
            Assert.Contains(statuses, s => s is 502 or 503); // the unreachable backend
        }

        AssertNoKey(s_keys);
    }

    [Fact]
    public async Task ServiceControlTraffic_EveryCategoryAtTrace_NoKeyLoggedOrForwarded()
    {
        await using FakeServiceControl serviceControl = await FakeServiceControl.StartAsync();
        serviceControl.SetKey(GoogleBadKey, "API_KEY_INVALID");
        await using (TestGateway gateway = await TestGateway.StartAsync(
            Config.Replace("{backend}/notoken", "{backend}/api", StringComparison.Ordinal).Replace("values: { STANDARD: 1 }", "values: { STANDARD: 1000 }", StringComparison.Ordinal),
            _backend.BaseAddress,
            null,
            CaptureEverything,
            "--PORTCULLIS_KEYS", "servicecontrol", "--PORTCULLIS_SERVICE_CONTROL_URL", serviceControl.BaseAddress.ToString()))
        {
            var statuses = new List<int>();
            foreach (string key in new[] { GoogleKey, GoogleBadKey })
            {
                statuses.Add(await SendAsync(gateway, "GET", "/v1/shelves?key=" + key));
                statuses.Add(await SendAsync(gateway, "GET", "/v1/limited", "x-api-key: " + key));
                statuses.Add(await SendAsync(gateway, "GET", "/v1/down?key=" + key));
                statuses.Add(await SendAsync(gateway, "GET", "/v1/nope?key=" + key));
            }

            serviceControl.Fail(503);
            statuses.Add(await SendAsync(gateway, "GET", "/v1/shelves?key=" + GoogleKey + "x"));
            serviceControl.Fail(403);
            statuses.Add(await SendAsync(gateway, "GET", "/v1/shelves?key=" + GoogleKey + "y"));
            serviceControl.Heal();

            AssertCovered([200, 400, 404, 500, 503], statuses);
        }

        AssertNoKey([GoogleKey, GoogleBadKey]);
    }

    private static void AssertCovered(int[] expected, List<int> statuses) =>
        Assert.True(expected.All(statuses.Contains), "statuses seen: " + string.Join(", ", statuses.Distinct().Order()));

    private void CaptureEverything(IServiceCollection services)
    {
        // Only the capture: every category, every level, whatever the app's own filters say.
        services.RemoveAll<ILoggerProvider>();
        services.AddSingleton<ILoggerProvider>(_logs);
        services.Configure<LoggerFilterOptions>(options =>
        {
            // An operator's most specific possible rule: this provider, every category, Trace. The
            // host's RequestLineLogOff still keeps ASP.NET Core's request-line log (URL with ?key=) off.
            options.Rules.Clear();
            options.MinLevel = LogLevel.Trace;
            options.Rules.Add(new LoggerFilterRule(typeof(LogCapture).FullName, null, LogLevel.Trace, null));
        });
    }

    private void AssertNoKey(string[] keys)
    {
        List<string> entries = [.. _logs.Entries.Select(e => e.Text)];
        Assert.True(entries.Count > 50, $"only {entries.Count} log entries: the capture is not seeing the app");
        Assert.Contains(entries, e => e.StartsWith("Microsoft.AspNetCore.Server.Kestrel", StringComparison.Ordinal));
        Assert.Contains(entries, e => e.StartsWith("Portcullis.Gateway", StringComparison.Ordinal));
        foreach (string key in keys)
        {
            string[] leaks = [.. entries.Where(e => e.Contains(key, StringComparison.Ordinal) || e.Contains(Escape(key), StringComparison.Ordinal))];
            Assert.True(
                leaks.Length == 0,
                $"{key} logged {leaks.Length} times, by "
                + string.Join(", ", leaks.GroupBy(e => e[..e.IndexOf(' ', StringComparison.Ordinal)]).Select(g => $"{g.Key} ({g.Count()})"))
                + ":\n" + string.Join("\n", leaks.DistinctBy(e => e[..e.IndexOf(' ', StringComparison.Ordinal)]).Select(e => e.Length > 600 ? e[..600] : e)));
            foreach (RecordedRequest received in _backend.Requests)
            {
                Assert.DoesNotContain(key, received.RawTarget, StringComparison.Ordinal);
                Assert.DoesNotContain(received.Headers, h => h.Value.Any(v => v.Contains(key, StringComparison.Ordinal)));
            }
        }
    }

    // Every other character escaped: the same key, spelt differently on the wire.
    private static string Escape(string key) =>
        string.Concat(key.Select((c, i) => i % 2 == 0 ? "%" + ((int)c).ToString("X2", System.Globalization.CultureInfo.InvariantCulture) : c.ToString()));

    private static async Task<int> SendAsync(TestGateway gateway, string method, string target, string headers = "", string body = "")
    {
        byte[] head = RawHttpConnection.Request(method, target, gateway.Address, headers.Length == 0 ? [] : [headers]);
        RawResponse response = await RawHttpConnection.SendOnceAsync(gateway.Address, [.. head, .. Encoding.Latin1.GetBytes(body)]);
        return response.Status;
    }
}
