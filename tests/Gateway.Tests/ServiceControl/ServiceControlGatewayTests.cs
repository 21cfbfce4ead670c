using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Google.Apis.Auth.OAuth2;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Portcullis.GoogleCloud.Auth;
using Microsoft.Extensions.Time.Testing;
using Portcullis.Gateway.Tests.Infrastructure;
using Portcullis.Testing;

namespace Portcullis.Gateway.Tests.ServiceControl;

/// <summary>Google API keys through a fake Service Control, over real HTTP.</summary>
public sealed class ServiceControlGatewayTests : IAsyncLifetime
{
    private const string Key = "AIzaSyFakeGoogleApiKey0000000000000000";
    private FakeServiceControl _serviceControl = null!;
    private EchoBackend _backend = null!;
    private TestGateway? _gateway;

    public async Task InitializeAsync()
    {
        _serviceControl = await FakeServiceControl.StartAsync();
        _backend = await EchoBackend.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }

        await _backend.DisposeAsync();
        await _serviceControl.DisposeAsync();
    }

    public static TheoryData<string, int, string> ErrorTable => new()
    {
        { "API_KEY_INVALID", 400, "INVALID_ARGUMENT: API key not valid. Please pass a valid API key." },
        { "API_KEY_EXPIRED", 400, "INVALID_ARGUMENT: API key expired. Please renew the API key." },
        { "API_KEY_NOT_FOUND", 400, "INVALID_ARGUMENT: API key not found. Please pass a valid API key." },
        { "NOT_FOUND", 400, "INVALID_ARGUMENT: Client project not found. Please pass a valid project." },
        { "PROJECT_INVALID", 400, "INVALID_ARGUMENT: Client project not valid. Please pass a valid project." },
        { "SERVICE_NOT_ACTIVATED", 403, "PERMISSION_DENIED: API things.endpoints.test-project.cloud.goog is not enabled for the project." },
        { "PERMISSION_DENIED", 403, "PERMISSION_DENIED: Permission denied." },
        { "IP_ADDRESS_BLOCKED", 403, "PERMISSION_DENIED: IP address blocked." },
        { "REFERER_BLOCKED", 403, "PERMISSION_DENIED: Referer blocked." },
        { "CLIENT_APP_BLOCKED", 403, "PERMISSION_DENIED: Client application blocked." },
        { "API_TARGET_BLOCKED", 403, "PERMISSION_DENIED:  The API targeted by this request is invalid for the given API key." },
        { "PROJECT_DELETED", 403, "PERMISSION_DENIED: Project has been deleted." },
        { "BILLING_DISABLED", 403, "PERMISSION_DENIED: API things.endpoints.test-project.cloud.goog has billing disabled. Please enable it." },
        { "INVALID_CREDENTIAL", 403, "PERMISSION_DENIED: The credential in the request can not be verified." },
        { "CONSUMER_INVALID", 403, "PERMISSION_DENIED: The consumer from the API key does not represent a valid consumer folder or organization." },
        { "RESOURCE_EXHAUSTED", 429, "RESOURCE_EXHAUSTED: Quota check failed." },
        { "NAMESPACE_LOOKUP_UNAVAILABLE", 503, "UNAVAILABLE: One or more Google Service Control backends are unavailable." },
        { "SERVICE_STATUS_UNAVAILABLE", 503, "UNAVAILABLE: One or more Google Service Control backends are unavailable." },
        { "BILLING_STATUS_UNAVAILABLE", 503, "UNAVAILABLE: One or more Google Service Control backends are unavailable." },
        { "CLOUD_RESOURCE_MANAGER_BACKEND_UNAVAILABLE", 503, "UNAVAILABLE: One or more Google Service Control backends are unavailable." },
        { "QUOTA_CHECK_UNAVAILABLE", 503, "UNAVAILABLE: One or more Google Service Control backends are unavailable." },
        { "LOAD_SHEDDING", 500, "INTERNAL: Request blocked due to unsupported error code in Google Service Control Check response: LOAD_SHEDDING" },
    };

    [Theory]
    [MemberData(nameof(ErrorTable))]
    public async Task CheckError_MapsToEspStatusAndMessage(string code, int status, string message)
    {
        await StartAsync();
        _serviceControl.SetKey(Key, code);

        HttpResponseMessage response = await _gateway!.GetAsync("/things?key=" + Key);

        await ErrorAssert.IsAsync(response, (HttpStatusCode)status, message);
        Assert.Equal(0, _backend.RequestCount);
    }

    [Theory]
    [InlineData("SERVICE_STATUS_UNAVAILABLE")]
    [InlineData("NAMESPACE_LOOKUP_UNAVAILABLE")]
    public async Task UnavailableCheckError_FailOpen_IsAllowed(string code)
    {
        await StartAsync("--PORTCULLIS_FAIL_POLICY", "open");
        _serviceControl.SetKey(Key, code);

        Assert.Equal(HttpStatusCode.OK, (await _gateway!.GetAsync("/things?key=" + Key)).StatusCode);
    }

    [Fact]
    public async Task ValidKey_ForwardedWithConsumerInfo_CheckCarriesEspFields()
    {
        await StartAsync();

        HttpResponseMessage response = await _gateway!.GetAsync("/things?key=" + Key, r =>
        {
            r.Headers.Add("X-Endpoint-API-Consumer-Type", "forged");
            r.Headers.Add("X-Endpoint-API-Consumer-Anything", "forged");
            r.Headers.Referrer = new Uri("https://app.example.com/page");
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        RecordedRequest received = _backend.Last!;
        Assert.Equal(["PROJECT"], received.Headers["X-Endpoint-API-Consumer-Type"]);
        Assert.Equal("123456789", received.Header("X-Endpoint-API-Consumer-Number"));
        Assert.Null(received.Header("X-Endpoint-API-Consumer-Anything"));
        Assert.DoesNotContain(Key, received.RawTarget, StringComparison.Ordinal);

        JsonObject operation = _serviceControl.Checks.Single()["operation"]!.AsObject();
        Assert.Equal("1.things_endpoints_test_project_cloud_goog.ListThings", operation["operationName"]!.ToString());
        Assert.Equal("api_key:" + Key, operation["consumerId"]!.ToString());
        Assert.True(Guid.TryParse(operation["operationId"]!.ToString(), out _));
        JsonObject labels = operation["labels"]!.AsObject();
        Assert.Equal("127.0.0.1", labels["servicecontrol.googleapis.com/caller_ip"]!.ToString());
        Assert.Equal("https://app.example.com/page", labels["servicecontrol.googleapis.com/referer"]!.ToString());
        Assert.NotNull(labels["servicecontrol.googleapis.com/user_agent"]);
        Assert.NotNull(labels["servicecontrol.googleapis.com/service_agent"]);
    }

    [Fact]
    public async Task IdenticalRequests_OneCheck()
    {
        await StartAsync();

        for (int i = 0; i < 20; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await _gateway!.GetAsync("/things?key=" + Key)).StatusCode);
        }

        Assert.Equal(1, _serviceControl.CheckCalls);
    }

    [Fact]
    public async Task ThousandConcurrentNewKeyRequests_OneCheck()
    {
        await StartAsync();
        _serviceControl.CheckDelay = TimeSpan.FromMilliseconds(300);
        var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 200 };
        using var client = new HttpClient(handler) { BaseAddress = _gateway!.Address };

        HttpResponseMessage[] responses = await Task.WhenAll(Enumerable.Range(0, 1000).Select(_ => client.GetAsync("/things?key=" + Key)));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(1, _serviceControl.CheckCalls);
    }

    [Theory]
    [InlineData(503, 4, 503)]
    [InlineData(500, 4, 500)]
    [InlineData(403, 1, 500)]
    [InlineData(400, 1, 500)]
    [InlineData(429, 1, 503)]
    public async Task ServiceControlHttpError_RetriesOn5xxOnly_AndMapsLikeEsp(int scStatus, int attempts, int gatewayStatus)
    {
        await StartAsync();
        _serviceControl.Fail(scStatus);

        HttpResponseMessage response = await _gateway!.GetAsync("/things?key=" + Key);

        Assert.Equal((HttpStatusCode)gatewayStatus, response.StatusCode);
        Assert.Contains($"Calling Google Service Control API failed with: {scStatus}", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(attempts, _serviceControl.CheckCalls);
    }

    [Fact]
    public async Task TransientFailureThenSuccess_RetrySucceeds()
    {
        await StartAsync();
        _serviceControl.Fail(503, count: 2);

        Assert.Equal(HttpStatusCode.OK, (await _gateway!.GetAsync("/things?key=" + Key)).StatusCode);
        Assert.Equal(3, _serviceControl.CheckCalls);
    }

    [Theory]
    [InlineData("closed", HttpStatusCode.ServiceUnavailable)]
    [InlineData("open", HttpStatusCode.OK)]
    public async Task ServiceControlDown_FailPolicy(string policy, HttpStatusCode expected)
    {
        await StartAsync("--PORTCULLIS_FAIL_POLICY", policy, "--PORTCULLIS_SERVICE_CONTROL_URL", "http://127.0.0.1:9/");

        HttpResponseMessage response = await _gateway!.GetAsync("/things?key=" + Key);

        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task ServiceControlHanging_RequestAnswersWithinTheBudget_NotTheHang()
    {
        await StartAsync();
        _serviceControl.CheckDelay = TimeSpan.FromSeconds(60);

        // The guard is far above the 2 s budget and far below the 60 s hang: it tells the two apart.
        HttpResponseMessage response = await _gateway!.GetAsync("/things?key=" + Key).WaitAsync(TimeSpan.FromSeconds(20));

        await ErrorAssert.IsAsync(response, HttpStatusCode.ServiceUnavailable, "UNAVAILABLE: Calling Google Service Control API failed with: 504 and body: upstream request timeout");
    }

    [Fact]
    public async Task GarbageBody_Is500()
    {
        await StartAsync("--PORTCULLIS_FAIL_POLICY", "open");
        _serviceControl.Garbage = true;

        Assert.Equal(HttpStatusCode.InternalServerError, (await _gateway!.GetAsync("/things?key=" + Key)).StatusCode);
    }

    [Fact]
    public async Task KeyRevokedInConsole_RefusedAfterTheRefreshWindow_CachedAnswerServesMeanwhile()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await StartAsync(services => services.AddSingleton<TimeProvider>(clock));
        Assert.Equal(HttpStatusCode.OK, (await _gateway!.GetAsync("/things?key=" + Key)).StatusCode);

        _serviceControl.SetKey(Key, "API_KEY_INVALID");
        clock.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(HttpStatusCode.OK, (await _gateway.GetAsync("/things?key=" + Key)).StatusCode);
        Assert.Equal(1, _serviceControl.CheckCalls);

        clock.Advance(TimeSpan.FromSeconds(2));
        bool refused = false;
        for (int i = 0; i < 100 && !refused; i++)
        {
            refused = (await _gateway.GetAsync("/things?key=" + Key)).StatusCode == HttpStatusCode.BadRequest;
            await Task.Delay(50);
        }

        Assert.True(refused, "the revoked key was still accepted after the refresh window");
    }

    [Fact]
    public async Task Reports_AreBatchedAndSentForRejectedAndAcceptedRequests()
    {
        await StartAsync();
        for (int i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await _gateway!.GetAsync("/things")).StatusCode);
        }

        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await _gateway!.GetAsync("/things?key=" + Key)).StatusCode);
        }

        Assert.Equal(HttpStatusCode.NotFound, (await _gateway!.GetAsync("/nowhere")).StatusCode);

        for (int i = 0; i < 100 && _serviceControl.ReportedRequests() < 9; i++)
        {
            await Task.Delay(100);
        }

        Assert.Equal(9, _serviceControl.ReportedRequests());
        List<JsonNode> operations = _serviceControl.Reports.SelectMany(r => r["operations"]!.AsArray()).Select(o => o!).ToList();
        JsonNode unauthorized = Assert.Single(operations, o => o["labels"]!["/response_code"]!.ToString() == "401");
        Assert.Equal("5", unauthorized["metricValueSets"]![0]!["metricValues"]![0]!["int64Value"]!.ToString());
        Assert.Null(unauthorized["consumerId"]);
        JsonNode accepted = Assert.Single(operations, o => o["labels"]!["/response_code"]!.ToString() == "200");
        Assert.Equal("api_key:" + Key, accepted["consumerId"]!.ToString());
        Assert.Contains(operations, o => o["operationName"]!.ToString() == "<Unknown Operation Name>");
        Assert.True(_serviceControl.Reports.Count < 9, "reports were not batched");
    }

    [Fact]
    public async Task Quota_AllocatedThroughServiceControl_ExhaustedClearsAtWindowEndWithoutTraffic()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 12, 0, 5, TimeSpan.Zero));
        _gateway = await TestGateway.StartAsync(
            QuotaConfig,
            _backend.BaseAddress,
            null,
            services => services.AddSingleton<TimeProvider>(clock),
            ["--PORTCULLIS_KEYS", "servicecontrol", "--PORTCULLIS_SERVICE_CONTROL_URL", _serviceControl.BaseAddress.ToString()]);
        _serviceControl.QuotaExhausted = true;

        // ESPv2's optimistic start: the first call goes through while allocateQuota runs.
        Assert.Equal(HttpStatusCode.OK, (await _gateway.GetAsync("/things?key=" + Key)).StatusCode);
        bool refused = false;
        for (int i = 0; i < 100 && !refused; i++)
        {
            refused = (await _gateway.GetAsync("/things?key=" + Key)).StatusCode == HttpStatusCode.TooManyRequests;
            await Task.Delay(20);
        }

        Assert.True(refused, "an exhausted quota never refused a call");
        JsonObject allocate = _serviceControl.QuotaRequests[0]["allocateOperation"]!.AsObject();
        Assert.Equal("project_number:123456789", allocate["consumerId"]!.ToString());
        Assert.Equal("1.things_endpoints_test_project_cloud_goog.ListThings", allocate["methodName"]!.ToString());
        Assert.Equal("read-requests", allocate["quotaMetrics"]![0]!["metricName"]!.ToString());

        // The window ends with no traffic at all; the next call is served (ESPv2 stays stuck at 429).
        _serviceControl.QuotaExhausted = false;
        clock.Advance(TimeSpan.FromSeconds(55));
        Assert.Equal(HttpStatusCode.OK, (await _gateway.GetAsync("/things?key=" + Key)).StatusCode);
    }

    [Fact]
    public async Task NoAccessToken_ChecksFailClosed_AndUsageReportsNeverStopTheGateway()
    {
        // A metadata server of its own that refuses every token: the check cannot be made, and the
        // usage reporter's sends fail too. Before the fix the reporter's exception stopped the host.
        await using FakeMetadataServer metadata = await FakeMetadataServer.StartAsync();
        metadata.FailEverything(500);
        string tokenUrl = new Uri(metadata.BaseAddress, "computeMetadata/v1/instance/service-accounts/default/token").ToString();
        await StartAsync(services => services.AddSingleton<IAccessTokenSource>(new GoogleAccessTokenSource(
            () => Task.FromResult(GoogleCredential.FromComputeCredential(new ComputeCredential(new ComputeCredential.Initializer(tokenUrl)))))));
        var lifetime = _gateway!.Services.GetRequiredService<IHostApplicationLifetime>();

        for (int round = 0; round < 3; round++)
        {
            HttpResponseMessage response = await _gateway.GetAsync("/things?key=" + Key);
            await ErrorAssert.IsAsync(response, HttpStatusCode.InternalServerError, "INTERNAL: Missing access token for service control call");

            // Let the reporter flush (every second) and fail on the token.
            await Task.Delay(UsageReporterFlushWait);
            Assert.False(lifetime.ApplicationStopping.IsCancellationRequested, "a failed usage report stopped the gateway");
        }

        Assert.Equal(0, _backend.RequestCount);
        Assert.Equal(0, _serviceControl.CheckCalls);
    }

    private static readonly TimeSpan UsageReporterFlushWait = Portcullis.Gateway.ServiceControl.UsageReporter.FlushInterval * 1.5;

    private static readonly string QuotaConfig = Configs.Quota(readLimit: 1000, host: "things.endpoints.test-project.cloud.goog");

    private Task StartAsync(params string[] extraArgs) => StartAsync(null, extraArgs);

    private async Task StartAsync(Action<IServiceCollection>? configure, params string[] extraArgs)
    {
        _gateway = await TestGateway.StartAsync(
            Configs.Things.Replace("info: { title: Things, version: \"1\" }", "info: { title: Things, version: \"1\" }\nhost: things.endpoints.test-project.cloud.goog", StringComparison.Ordinal),
            _backend.BaseAddress,
            null,
            configure,
            ["--PORTCULLIS_KEYS", "servicecontrol", "--PORTCULLIS_SERVICE_CONTROL_URL", _serviceControl.BaseAddress.ToString(), .. extraArgs]);
    }
}
