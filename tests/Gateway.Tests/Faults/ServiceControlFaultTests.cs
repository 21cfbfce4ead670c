using System.Net;
using Portcullis.Gateway.Tests.Infrastructure;
using Portcullis.Testing;

namespace Portcullis.Gateway.Tests.Faults;

/// <summary>
/// Fault matrix (issue 8), Service Control (<c>PORTCULLIS_KEYS=servicecontrol</c>): the rows
/// <see cref="ServiceControl.ServiceControlGatewayTests"/> does not already cover, that is every
/// fault under <c>PORTCULLIS_FAIL_POLICY=open</c> and malformed or wrongly shaped check answers.
/// ESPv2's rule: only "unavailable" (timeouts, unreachable, 429/502/503/504) may fail open; any
/// other failure is 500 whatever the policy, and a garbage answer never lets a key through.
/// </summary>
public sealed class ServiceControlFaultTests : IAsyncLifetime
{
    private const string Key = "AIzaSyFakeGoogleApiKey0000000000000001";
    private const string NotJson = "INTERNAL: Failed to call service control: the check response is not JSON";
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
        _serviceControl.Heal();
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }

        await _backend.DisposeAsync();
        await _serviceControl.DisposeAsync();
    }

    [Theory]
    [InlineData("hang", 200)]
    [InlineData("503", 200)]
    [InlineData("429", 200)]
    [InlineData("500", 500)]
    [InlineData("403", 500)]
    [InlineData("400", 500)]
    public async Task ServiceControlFault_FailOpen_OnlyUnavailableIsAllowed(string fault, int expected)
    {
        await StartAsync("open");
        if (fault == "hang")
        {
            _serviceControl.CheckDelay = TimeSpan.FromMinutes(1);
        }
        else
        {
            _serviceControl.Fail(int.Parse(fault, System.Globalization.CultureInfo.InvariantCulture));
        }

        // The guard tells the 2 s check budget from the one-minute hang.
        HttpResponseMessage response = await _gateway!.GetAsync("/things?key=" + Key).WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal((HttpStatusCode)expected, response.StatusCode);
        Assert.Equal(expected == 200 ? 1 : 0, _backend.RequestCount);
    }

    [Theory]
    [InlineData("closed", "<html>not json")]
    [InlineData("closed", "")]
    [InlineData("closed", "null")]
    [InlineData("closed", "[]")]
    [InlineData("closed", "{\"checkInfo\":{\"consumerInfo\":")]
    [InlineData("closed", "{\"checkErrors\":\"API_KEY_INVALID\"}")]
    [InlineData("closed", "{\"checkErrors\":[{\"code\":7}]}")]
    [InlineData("open", "null")]
    [InlineData("open", "{\"checkErrors\":\"API_KEY_INVALID\"}")]
    public async Task MalformedCheckAnswer_Is500_NeverForwarded(string policy, string body)
    {
        await StartAsync(policy);
        _serviceControl.CheckBody = body;

        HttpResponseMessage response = await _gateway!.GetAsync("/things?key=" + Key);

        await ErrorAssert.IsAsync(response, HttpStatusCode.InternalServerError, NotJson);
        Assert.Equal(0, _backend.RequestCount);
        Assert.DoesNotContain(Key, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"checkErrors\":[{}]}")]
    [InlineData("{\"checkErrors\":[{\"detail\":\"no code\"}]}")]
    [InlineData("{\"checkErrors\":[null]}")]
    public async Task CheckErrorWithoutCode_IsRefusedAsUnsupported_NotTakenForValid(string body)
    {
        await StartAsync("open");
        _serviceControl.CheckBody = body;

        HttpResponseMessage response = await _gateway!.GetAsync("/things?key=" + Key);

        await ErrorAssert.IsAsync(
            response,
            HttpStatusCode.InternalServerError,
            "INTERNAL: Request blocked due to unsupported error code in Google Service Control Check response: ERROR_CODE_UNSPECIFIED");
        Assert.Equal(0, _backend.RequestCount);
    }

    [Fact]
    public async Task MalformedCheckAnswer_IsNotCached_HealedServiceControlIsAskedAgain()
    {
        await StartAsync("closed");
        _serviceControl.CheckBody = "<html>not json";
        Assert.Equal(HttpStatusCode.InternalServerError, (await _gateway!.GetAsync("/things?key=" + Key)).StatusCode);

        _serviceControl.Heal();

        Assert.Equal(HttpStatusCode.OK, (await _gateway.GetAsync("/things?key=" + Key)).StatusCode);
        Assert.Equal(2, _serviceControl.CheckCalls);
    }

    private async Task StartAsync(string policy) => _gateway = await TestGateway.StartAsync(
        Configs.Things.Replace("info: { title: Things, version: \"1\" }", "info: { title: Things, version: \"1\" }\nhost: things.endpoints.test-project.cloud.goog", StringComparison.Ordinal),
        _backend.BaseAddress,
        null,
        "--PORTCULLIS_KEYS",
        "servicecontrol",
        "--PORTCULLIS_SERVICE_CONTROL_URL",
        _serviceControl.BaseAddress.ToString(),
        "--PORTCULLIS_FAIL_POLICY",
        policy);
}
