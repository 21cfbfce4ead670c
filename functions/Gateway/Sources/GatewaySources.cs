using Portcullis.GoogleCloud.Configs;
using Portcullis.GoogleCloud.Keyrings;
using Portcullis.GoogleCloud.SecretManager;
using Portcullis.PolicyEngine.Compilation;
using Portcullis.PolicyEngine.Keys;
using Portcullis.PolicyEngine.Policy;

namespace Portcullis.Gateway.Sources;

/// <summary>The reloadable inputs of the gateway: the compiled config and, in keyring mode, the keyring.</summary>
internal sealed class GatewaySources
{
    private readonly GatewayOptions _options;

    public GatewaySources(GatewayOptions options, IServiceProvider services, ILogger<GatewaySources> logger)
    {
        _options = options;
        var compileOptions = new CompileOptions { BackendOverride = options.BackendOverride, DefaultBackend = options.DefaultBackend, SourceName = options.ConfigPath };
        Func<CancellationToken, Task<StoredDocument>> readConfig;
        string configLocation = options.ConfigPath;
        if (ConfigStores.IsStore(options.ConfigPath))
        {
            IConfigStore configStore = ConfigStores.Open(options.ConfigPath, services.GetRequiredService<SecretManagerClient>, options.StorageUrl);
            configLocation = configStore.Location;
            readConfig = async ct => await configStore.GetLiveAsync(ct).ConfigureAwait(false) is { } live
                ? new StoredDocument(live.Content, live.Info.Version)
                : StoredDocument.Missing;
        }
        else
        {
            readConfig = new FileKeyringStore(options.ConfigPath).ReadAsync;
        }

        Config = new PolledSource<ApiPolicy>("config", configLocation, readConfig, content =>
        {
            CompileResult result = PolicyCompiler.Compile(content, compileOptions);
            return new PolledSource<ApiPolicy>.ParseResult(
                result.Policy,
                result.Errors.Select(d => d.Format(options.ConfigPath)).ToList(),
                result.Policy is null ? "" : $"config {result.Policy.ConfigId} ({result.Policy.Operations.Count} operations)");
        }, logger);

        IKeyringStore? store = options.KeysMode switch
        {
            KeysMode.Keyring => new FileKeyringStore(options.KeysPath),
            KeysMode.SecretManager => new SecretManagerKeyringStore(services.GetRequiredService<SecretManagerClient>(), SecretReference.Parse(options.KeysPath)),
            _ => null,
        };
        if (store is not null)
        {
            Keyring = new PolledSource<Keyring>("keyring", store.Location, store.ReadAsync, content =>
            {
                Keyring? keyring = PolicyEngine.Keys.Keyring.TryParse(content, out IReadOnlyList<string> errors);
                return new PolledSource<Keyring>.ParseResult(keyring, errors, keyring is null ? "" : $"{keyring.Count} keys");
            }, logger);
        }
    }

    public PolledSource<ApiPolicy> Config { get; }

    public PolledSource<Keyring>? Keyring { get; }

    /// <summary>The managed service name Service Control knows the API by: <c>PORTCULLIS_SERVICE_NAME</c>, else the config's <c>host</c>.</summary>
    public string ServiceName => _options.ServiceName ?? Config.Target.Current?.ServiceName ?? "";
}
