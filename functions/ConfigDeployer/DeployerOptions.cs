using Portcullis.GoogleCloud.Configs;

namespace Portcullis.ConfigDeployer;

/// <summary>The deployer's runtime contract (docs/configuration.md), from the environment and <c>--NAME value</c> arguments.</summary>
internal sealed record DeployerOptions
{
    public required string ConfigStore { get; init; }

    public required IReadOnlySet<string> Deployers { get; init; }

    public required string Audience { get; init; }

    public required string JwksUrl { get; init; }

    public required Uri SecretManagerUrl { get; init; }

    /// <summary>
    /// <c>PORTCULLIS_BACKEND</c>: the gateways' default backend, so that a config that names no
    /// backend is validated as the gateways will compile it. The stored config stays as written:
    /// the default is a property of the gateway's environment, as ESPv2's <c>--backend</c> is.
    /// </summary>
    public Uri? DefaultBackend { get; init; }

    /// <summary><c>PORTCULLIS_STORAGE_URL</c>: the Cloud Storage server root for a gs:// config store.</summary>
    public Uri StorageUrl { get; init; } = Portcullis.GoogleCloud.Storage.CloudStorage.DefaultUrl;

    public static DeployerOptions FromConfiguration(IConfiguration config)
    {
        string store = config["PORTCULLIS_CONFIG"] ?? "";
        if (!ConfigStores.IsStore(store))
        {
            throw new InvalidOperationException($"PORTCULLIS_CONFIG must be a versioned store (dir:PATH, sm://projects/P/secrets/S or gs://BUCKET/PREFIX), not '{store}'.");
        }

        string audience = config["PORTCULLIS_AUDIENCE"] ?? "";
        if (audience.Length == 0)
        {
            throw new InvalidOperationException("PORTCULLIS_AUDIENCE (the deployer's own URL, the ID-token audience) is required.");
        }

        var deployers = (config["PORTCULLIS_DEPLOYERS"] ?? "")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        if (deployers.Count == 0)
        {
            throw new InvalidOperationException("PORTCULLIS_DEPLOYERS (comma-separated service-account emails allowed to deploy) is required.");
        }

        Uri? defaultBackend = null;
        if (config["PORTCULLIS_BACKEND"] is { Length: > 0 } backendText
            && !Portcullis.PolicyEngine.Compilation.CompileOptions.TryParseBackendAddress(backendText, out defaultBackend, out string? backendError))
        {
            throw new InvalidOperationException("PORTCULLIS_BACKEND: " + backendError + ".");
        }

        if (Portcullis.GoogleCloud.Storage.CloudStorage.IsStorage(store))
        {
            try
            {
                _ = Portcullis.GoogleCloud.Storage.StorageLocation.Parse(store);
            }
            catch (ArgumentException e)
            {
                throw new InvalidOperationException("PORTCULLIS_CONFIG: " + e.Message, e);
            }
        }

        string sm = config["PORTCULLIS_SECRET_MANAGER_URL"] is { Length: > 0 } url ? url : "https://secretmanager.googleapis.com";
        return new DeployerOptions
        {
            ConfigStore = store,
            Deployers = deployers,
            Audience = audience,
            JwksUrl = config["PORTCULLIS_JWKS_URL"] is { Length: > 0 } jwks ? jwks : "https://www.googleapis.com/oauth2/v3/certs",
            SecretManagerUrl = new Uri(sm.TrimEnd('/') + "/"),
            DefaultBackend = defaultBackend,
            StorageUrl = ReadStorageUrl(config),
        };
    }

    private static Uri ReadStorageUrl(IConfiguration config)
    {
        try
        {
            return Portcullis.GoogleCloud.Storage.CloudStorage.ParseUrl(config[Portcullis.GoogleCloud.Storage.CloudStorage.UrlSetting]);
        }
        catch (ArgumentException e)
        {
            throw new InvalidOperationException(e.Message, e);
        }
    }
}
