using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Portcullis.PolicyEngine.Keys;
using Portcullis.Testing;

namespace Portcullis.Gateway.Tests.Infrastructure;

/// <summary>
/// The real gateway function on Kestrel, on a loopback port, with its config and keyring in a
/// temp folder, backends that are real <see cref="EchoBackend"/>s and ID tokens from the shared
/// <see cref="FakeMetadataServer"/>.
/// </summary>
internal sealed class TestGateway : IAsyncDisposable
{
    // Well-formed keys (ApiKeys.FromBody of a fixed body), so they can be InlineData constants.
    public const string ValidKey = "ptc_valid00000000000000000000000003i6lTe";
    public const string ExpiredKey = "ptc_expired000000000000000000000002xMwnX";
    public const string RevokedKey = "ptc_revoked000000000000000000000003hlSkv";
    public const string LimitedKey = "ptc_limited0000000000000000000000020xZix";

    /// <summary>Well-formed (checksum passes) but in no keyring.</summary>
    public const string UnknownKey = "ptc_wrong00000000000000000000000002PaWvn";
    public static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    private readonly string _directory;
    private readonly WebApplication _app;

    private TestGateway(string directory, WebApplication app, Uri address, FakeMetadataServer metadata)
    {
        _directory = directory;
        _app = app;
        Address = address;
        Metadata = metadata;
        Client = new HttpClient { BaseAddress = address };
    }

    public Uri Address { get; }

    public HttpClient Client { get; }

    public FakeMetadataServer Metadata { get; }

    /// <summary>The running app's services (its lifetime, to see that it did not stop).</summary>
    public IServiceProvider Services => _app.Services;

    public string ConfigPath => Path.Combine(_directory, "openapi.yaml");

    public string KeyringPath => Path.Combine(_directory, "keyring.json");

    public static IEnumerable<KeyRecord> DefaultKeys() =>
    [
        Keyring.NewRecord(ValidKey, "acme", Now.AddDays(-1)),
        Keyring.NewRecord(ExpiredKey, "old-client", Now.AddDays(-30), expires: Now.AddMinutes(-1)),
        Keyring.NewRecord(RevokedKey, "mallory", Now.AddDays(-30)) with { Revoked = Now.AddHours(-1) },
        Keyring.NewRecord(LimitedKey, "reader", Now.AddDays(-1)) with { AllowedOperations = new HashSet<string> { "listShelves" } },
    ];

    /// <summary>Starts a gateway on <paramref name="config"/>; <c>{backend}</c> in it is replaced by <paramref name="backend"/>.</summary>
    public static Task<TestGateway> StartAsync(
        string config,
        Uri? backend = null,
        IEnumerable<KeyRecord>? keys = null,
        params string[] extraArgs) => StartAsync(config, backend, keys, null, extraArgs);

    /// <summary>As above, with a hook to replace services (a fake clock).</summary>
    public static async Task<TestGateway> StartAsync(
        string config,
        Uri? backend,
        IEnumerable<KeyRecord>? keys,
        Action<IServiceCollection>? configureServices,
        params string[] extraArgs)
    {
        FakeMetadataServer metadata = await FakeMetadataServer.GetSharedAsync();
        string directory = Directory.CreateTempSubdirectory("portcullis-gw-").FullName;
        string configPath = Path.Combine(directory, "openapi.yaml");
        string keyringPath = Path.Combine(directory, "keyring.json");
        string backendText = backend?.GetLeftPart(UriPartial.Authority) ?? "http://127.0.0.1:9";
        await File.WriteAllTextAsync(configPath, config.Replace("{backend}", backendText, StringComparison.Ordinal));
        await File.WriteAllTextAsync(keyringPath, Keyring.Serialize(keys ?? DefaultKeys()));

        string[] args =
        [
            "--PORT", "0",
            "--PORTCULLIS_BIND", "loopback",
            "--PORTCULLIS_CONFIG", configPath,
            "--PORTCULLIS_KEYS", keyringPath,
            "--PORTCULLIS_POLL_SECONDS", "3600",
            .. extraArgs,
        ];
        WebApplication app = GatewayApp.Build(args, out IReadOnlyList<string> errors, configureServices)
            ?? throw new InvalidOperationException("Gateway did not build: " + string.Join("\n", errors));
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new TestGateway(directory, app, new Uri(address), metadata);
    }

    /// <summary>Sends a request whose path and query go on the wire exactly as written (no dot-segment or escape clean-up by .NET).</summary>
    public Task<HttpResponseMessage> SendRawAsync(HttpMethod method, string pathAndQuery, Action<HttpRequestMessage>? configure = null)
    {
        var uri = new Uri(Address.GetLeftPart(UriPartial.Authority) + pathAndQuery, new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });
        var request = new HttpRequestMessage(method, uri);
        configure?.Invoke(request);
        return Client.SendAsync(request);
    }

    public Task<HttpResponseMessage> GetAsync(string pathAndQuery, Action<HttpRequestMessage>? configure = null) =>
        SendRawAsync(HttpMethod.Get, pathAndQuery, configure);

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp folder left behind is harmless.
        }
    }
}
