using System.Net;
using System.Text;
using Portcullis.Gateway.Tests.Infrastructure;
using Portcullis.GoogleCloud.Auth;
using Portcullis.GoogleCloud.Configs;
using Portcullis.GoogleCloud.Keyrings;
using Portcullis.GoogleCloud.SecretManager;
using Portcullis.PolicyEngine.Keys;
using Portcullis.Testing;

namespace Portcullis.Gateway.Tests.Faults;

/// <summary>
/// Fault matrix (issue 8), Secret Manager as the config and keyring source (<c>sm://</c> for both).
/// While running, every fault keeps the last good config and keyring serving, and the gateway
/// picks up a good version once Secret Manager heals. At start the two differ: without a config
/// there is nothing to serve, so the gateway refuses to start; without a keyring it starts and
/// answers 503 on keyed routes until one loads. (Outages of the keyring alone and CRC32C-corrupt
/// keyring versions are also in <see cref="GatewaySecretManagerKeyringTests"/>.)
/// </summary>
public sealed class SecretManagerFaultTests : IAsyncLifetime
{
    private const string ConfigSecret = "projects/test-project/secrets/gateway-config";
    private const string KeyringSecret = "projects/test-project/secrets/gateway-keyring";
    private const string KeyUnavailable = "UNAVAILABLE: The API key could not be checked. Please retry.";
    private FakeSecretManager _secretManager = null!;
    private EchoBackend _backend = null!;
    private SecretManagerConfigStore _configs = null!;
    private SecretManagerKeyringStore _keyring = null!;
    private TestGateway? _gateway;

    public async Task InitializeAsync()
    {
        await FakeMetadataServer.GetSharedAsync();
        _secretManager = await FakeSecretManager.StartAsync();
        _backend = await EchoBackend.StartAsync();
        _secretManager.CreateSecret(ConfigSecret);
        _secretManager.CreateSecret(KeyringSecret);
        var client = new SecretManagerClient(new HttpClient { BaseAddress = _secretManager.BaseAddress }, new GoogleAccessTokenSource());
        _configs = new SecretManagerConfigStore(client, ConfigSecret);
        _keyring = new SecretManagerKeyringStore(client, KeyringSecret);
    }

    public async Task DisposeAsync()
    {
        _secretManager.Heal();
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }

        await _backend.DisposeAsync();
        await _secretManager.DisposeAsync();
    }

    public static TheoryData<string> RunningFaults => ["503", "hang", "not JSON", "alias names no version", "CRC32C mismatch", "payload is not a config or keyring"];

    [Theory]
    [MemberData(nameof(RunningFaults))]
    public async Task FaultWhileRunning_LastGoodConfigAndKeyringServe_ThenAGoodVersionIsPickedUp(string fault)
    {
        await DeployAsync("/things", [Keyring.NewRecord(TestGateway.ValidKey, "acme", DateTimeOffset.UtcNow)]);
        await StartGatewayAsync();
        await AssertServesAsync("/things", TestGateway.ValidKey);

        int before = _secretManager.RequestCount;
        await InjectAsync(fault);

        // Requests go on while polls fail (or hang) underneath: the poll never sits in a request's path.
        // A hanging poll stays on its first call; others make several rounds (config and keyring each).
        int polled = before + (fault == "hang" ? 1 : 6);
        for (int i = 0; i < 100 && _secretManager.RequestCount < polled; i++)
        {
            await AssertServesAsync("/things", TestGateway.ValidKey);
            await Task.Delay(50);
        }

        Assert.True(_secretManager.RequestCount > before, "the gateway did not poll during the fault");
        await AssertServesAsync("/things", TestGateway.ValidKey);

        // Healed, with a new config (a new route) and a new key: both are picked up.
        _secretManager.Heal();
        string key = ApiKeys.Generate();
        await DeployAsync("/widgets", [Keyring.NewRecord(key, "after-fault", DateTimeOffset.UtcNow)]);
        Assert.True(await EventuallyAsync("/widgets?key=" + key, HttpStatusCode.OK), "the gateway did not recover after " + fault);
    }

    [Theory]
    [InlineData("unreachable")]
    [InlineData("503")]
    [InlineData("not JSON")]
    [InlineData("alias names no version")]
    [InlineData("CRC32C mismatch")]
    public async Task ConfigSourceFaultAtStart_GatewayRefusesToStart_SayingWhy(string fault)
    {
        await DeployAsync("/things", []);
        await InjectAsync(fault);
        string directory = Directory.CreateTempSubdirectory("portcullis-faults-").FullName;
        string url = fault == "unreachable" ? "http://127.0.0.1:9/" : _secretManager.BaseAddress.ToString();

        Microsoft.AspNetCore.Builder.WebApplication? app = GatewayApp.Build(
            [
                "--PORT", "0",
                "--PORTCULLIS_BIND", "loopback",
                "--PORTCULLIS_CONFIG", "sm://" + ConfigSecret,
                "--PORTCULLIS_KEYS", Path.Combine(directory, "none.json"),
                "--PORTCULLIS_SECRET_MANAGER_URL", url,
            ],
            out IReadOnlyList<string> errors);

        Assert.Null(app);
        Assert.Contains(errors, e => e.Contains(fault == "CRC32C mismatch" ? "CRC32C" : "Secret Manager", StringComparison.Ordinal));
        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public async Task KeyringSourceDownAtStart_GatewayStarts_KeyedRoutes503_KeylessServe_ThenKeysLoad()
    {
        await _keyring.TryWriteAsync(Keyring.Serialize([Keyring.NewRecord(TestGateway.ValidKey, "acme", DateTimeOffset.UtcNow)]), null, default);
        _secretManager.Fail(503);
        _gateway = await TestGateway.StartAsync(
            Configs.Bookstore,
            _backend.BaseAddress,
            null,
            "--PORTCULLIS_KEYS", "sm://" + KeyringSecret,
            "--PORTCULLIS_SECRET_MANAGER_URL", _secretManager.BaseAddress.ToString(),
            "--PORTCULLIS_POLL_SECONDS", "0.2");

        await ErrorAssert.IsAsync(await _gateway.GetAsync("/v1/shelves?key=" + TestGateway.ValidKey), HttpStatusCode.ServiceUnavailable, KeyUnavailable);
        await ErrorAssert.IsAsync(await _gateway.GetAsync("/v1/shelves?key=" + TestGateway.UnknownKey), HttpStatusCode.ServiceUnavailable, KeyUnavailable);
        Assert.Equal(HttpStatusCode.OK, (await _gateway.GetAsync("/v1/health")).StatusCode);
        Assert.Equal(1, _backend.RequestCount);

        _secretManager.Heal();

        Assert.True(await EventuallyAsync("/v1/shelves?key=" + TestGateway.ValidKey, HttpStatusCode.OK));
        Assert.Equal(HttpStatusCode.BadRequest, (await _gateway.GetAsync("/v1/shelves?key=" + TestGateway.UnknownKey)).StatusCode);
    }

    private async Task InjectAsync(string fault)
    {
        switch (fault)
        {
            case "503":
                _secretManager.Fail(503);
                break;
            case "hang":
                _secretManager.Hang = true;
                break;
            case "not JSON":
                _secretManager.RawAnswer = "<html><body>502 Bad Gateway</body></html>";
                break;
            case "alias names no version":
                _secretManager.RawAnswer = """{"name":"x","etag":"\"1\"","versionAliases":{"live":"latest!","current":"x"}}""";
                break;
            case "CRC32C mismatch":
                _secretManager.AddCorruptVersion(ConfigSecret, Encoding.UTF8.GetBytes("{}"), SecretManagerConfigStore.Alias);
                _secretManager.AddCorruptVersion(KeyringSecret, Encoding.UTF8.GetBytes("{}"), SecretManagerKeyringStore.Alias);
                break;
            case "payload is not a config or keyring":
                // CRC-correct versions whose content is no config and no keyring: written through the
                // stores so that only the content is wrong.
                Assert.True(await _keyring.TryWriteAsync("this is not a keyring", KeyringVersion(), default));
                Assert.NotNull(await _configs.TryDeployAsync("swagger: [unterminated", Info("garbage"), LiveVersion(), default));
                break;
            case "unreachable":
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(fault), fault, null);
        }
    }

    private async Task DeployAsync(string path, IEnumerable<KeyRecord> keys)
    {
        string config = Configs.Things.Replace("/things:", path + ":", StringComparison.Ordinal)
            .Replace("{backend}", _backend.BaseAddress.GetLeftPart(UriPartial.Authority), StringComparison.Ordinal);
        Assert.NotNull(await _configs.TryDeployAsync(config, Info(path), LiveVersion(), default));
        Assert.True(await _keyring.TryWriteAsync(Keyring.Serialize(keys), KeyringVersion(), default));
    }

    private string? LiveVersion() =>
        _secretManager.Alias(ConfigSecret, SecretManagerConfigStore.Alias)?.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private string? KeyringVersion() =>
        _secretManager.Alias(KeyringSecret, SecretManagerKeyringStore.Alias)?.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static ConfigVersionInfo Info(string summary) => new("", Guid.NewGuid().ToString("N"), DateTimeOffset.UtcNow, "test@example.com", summary);

    private async Task StartGatewayAsync() => _gateway = await TestGateway.StartAsync(
        Configs.Things,
        _backend.BaseAddress,
        null,
        "--PORTCULLIS_CONFIG", "sm://" + ConfigSecret,
        "--PORTCULLIS_KEYS", "sm://" + KeyringSecret,
        "--PORTCULLIS_SECRET_MANAGER_URL", _secretManager.BaseAddress.ToString(),
        "--PORTCULLIS_POLL_SECONDS", "0.2");

    private async Task AssertServesAsync(string path, string key)
    {
        Assert.Equal(HttpStatusCode.OK, (await _gateway!.GetAsync($"{path}?key={key}")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await _gateway.GetAsync($"{path}?key={TestGateway.UnknownKey}")).StatusCode);
    }

    private async Task<bool> EventuallyAsync(string target, HttpStatusCode expected)
    {
        for (int i = 0; i < 100; i++)
        {
            if ((await _gateway!.GetAsync(target)).StatusCode == expected)
            {
                return true;
            }

            await Task.Delay(100);
        }

        return false;
    }
}
