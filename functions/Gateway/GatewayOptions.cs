using System.Globalization;

namespace Portcullis.Gateway;

/// <summary>The gateway's runtime contract (docs/configuration.md), read from the environment and <c>--NAME value</c> arguments.</summary>
internal sealed record GatewayOptions
{
    public required string ConfigPath { get; init; }

    public required KeysMode KeysMode { get; init; }

    public required string KeysPath { get; init; }

    public required bool FailOpen { get; init; }

    public required TimeSpan PollInterval { get; init; }

    public required bool BackendAuth { get; init; }

    /// <summary>How many proxies in front append to X-Forwarded-For (Cloud Run's front end: 1).</summary>
    public required int TrustedHops { get; init; }

    public required Uri SecretManagerUrl { get; init; }

    public required Uri ServiceControlUrl { get; init; }

    /// <summary><c>PORTCULLIS_STORAGE_URL</c>: the Cloud Storage server root for gs:// keyrings and configs.</summary>
    public Uri StorageUrl { get; init; } = Portcullis.GoogleCloud.Storage.CloudStorage.DefaultUrl;

    /// <summary><c>host:port</c> of Redis for exact cross-instance quotas; null: per instance.</summary>
    public string? Redis { get; init; }

    /// <summary>The managed service name for Service Control; null: the config's <c>host</c>.</summary>
    public string? ServiceName { get; init; }

    /// <summary>Gateway-answered CORS (<c>PORTCULLIS_CORS_ORIGINS</c>); null: preflights follow the config.</summary>
    public Portcullis.Gateway.Cors.CorsPolicy? Cors { get; init; }

    /// <summary>Dev only: every backend address takes this scheme, host and port.</summary>
    public Uri? BackendOverride { get; init; }

    /// <summary><c>PORTCULLIS_BACKEND</c>: the backend of operations whose config names none (ESPv2's <c>--backend</c>).</summary>
    public Uri? DefaultBackend { get; init; }

    /// <summary>
    /// <c>PORTCULLIS_INLINE_IO</c> (default on): socket completions and the request code run on the
    /// I/O threads instead of hopping to the thread pool (see <see cref="InlineIo"/>).
    /// </summary>
    public bool InlineIo { get; init; } = true;

    public static GatewayOptions FromConfiguration(IConfiguration config)
    {
        string keys = Value(config, "PORTCULLIS_KEYS", ".portcullis/keyring.json");
        string poll = Value(config, "PORTCULLIS_POLL_SECONDS", "10");
        if (!double.TryParse(poll, NumberStyles.Float, CultureInfo.InvariantCulture, out double pollSeconds) || pollSeconds <= 0)
        {
            throw new InvalidOperationException($"PORTCULLIS_POLL_SECONDS must be a positive number, not '{poll}'.");
        }

        string failPolicy = Value(config, "PORTCULLIS_FAIL_POLICY", "closed");
        if (failPolicy is not ("closed" or "open"))
        {
            throw new InvalidOperationException($"PORTCULLIS_FAIL_POLICY must be 'closed' or 'open', not '{failPolicy}'.");
        }

        string auth = Value(config, "PORTCULLIS_BACKEND_AUTH", "idtoken");
        if (auth is not ("idtoken" or "off"))
        {
            throw new InvalidOperationException($"PORTCULLIS_BACKEND_AUTH must be 'idtoken' or 'off', not '{auth}'.");
        }

        string? backendOverride = config["PORTCULLIS_BACKEND_OVERRIDE"];
        Uri? overrideUri = null;
        if (!string.IsNullOrEmpty(backendOverride) && !Uri.TryCreate(backendOverride, UriKind.Absolute, out overrideUri))
        {
            throw new InvalidOperationException($"PORTCULLIS_BACKEND_OVERRIDE must be an absolute URL, not '{backendOverride}'.");
        }

        Uri? defaultBackend = null;
        if (config["PORTCULLIS_BACKEND"] is { Length: > 0 } backendText
            && !Portcullis.PolicyEngine.Compilation.CompileOptions.TryParseBackendAddress(backendText, out defaultBackend, out string? backendError))
        {
            throw new InvalidOperationException("PORTCULLIS_BACKEND: " + backendError + ".");
        }

        string configSource = Value(config, "PORTCULLIS_CONFIG", "openapi/openapi.yaml");
        if (Portcullis.GoogleCloud.SecretManager.SecretReference.IsSecret(configSource))
        {
            try
            {
                _ = Portcullis.GoogleCloud.SecretManager.SecretReference.Parse(configSource);
            }
            catch (ArgumentException e)
            {
                throw new InvalidOperationException("PORTCULLIS_CONFIG: " + e.Message, e);
            }
        }

        KeysMode mode = keys switch
        {
            "servicecontrol" => KeysMode.ServiceControl,
            _ when keys.StartsWith("sm://", StringComparison.Ordinal) => KeysMode.SecretManager,
            _ when Portcullis.GoogleCloud.Storage.CloudStorage.IsStorage(keys) => KeysMode.CloudStorage,
            _ => KeysMode.Keyring,
        };
        if (mode == KeysMode.SecretManager)
        {
            try
            {
                _ = Portcullis.GoogleCloud.SecretManager.SecretReference.Parse(keys);
            }
            catch (ArgumentException e)
            {
                throw new InvalidOperationException("PORTCULLIS_KEYS: " + e.Message, e);
            }
        }

        string scUrl = Value(config, "PORTCULLIS_SERVICE_CONTROL_URL", "https://servicecontrol.googleapis.com");
        if (!Uri.TryCreate(scUrl.EndsWith('/') ? scUrl : scUrl + "/", UriKind.Absolute, out Uri? serviceControlUrl))
        {
            throw new InvalidOperationException($"PORTCULLIS_SERVICE_CONTROL_URL must be an absolute URL, not '{scUrl}'.");
        }

        string smUrl = Value(config, "PORTCULLIS_SECRET_MANAGER_URL", "https://secretmanager.googleapis.com");
        if (!Uri.TryCreate(smUrl.EndsWith('/') ? smUrl : smUrl + "/", UriKind.Absolute, out Uri? secretManagerUrl))
        {
            throw new InvalidOperationException($"PORTCULLIS_SECRET_MANAGER_URL must be an absolute URL, not '{smUrl}'.");
        }

        string hopsDefault = string.IsNullOrEmpty(config["K_SERVICE"]) ? "0" : "1";
        string hopsText = Value(config, "PORTCULLIS_TRUSTED_HOPS", hopsDefault);
        if (!int.TryParse(hopsText, NumberStyles.None, CultureInfo.InvariantCulture, out int hops) || hops > 10)
        {
            throw new InvalidOperationException($"PORTCULLIS_TRUSTED_HOPS must be a whole number from 0 to 10, not '{hopsText}'.");
        }

        Uri storageUrl;
        try
        {
            storageUrl = Portcullis.GoogleCloud.Storage.CloudStorage.ParseUrl(config[Portcullis.GoogleCloud.Storage.CloudStorage.UrlSetting]);
            if (mode == KeysMode.CloudStorage)
            {
                _ = Portcullis.GoogleCloud.Storage.StorageLocation.Parse(keys);
            }
        }
        catch (ArgumentException e)
        {
            throw new InvalidOperationException(e.Message, e);
        }

        return new GatewayOptions
        {
            StorageUrl = storageUrl,
            TrustedHops = hops,
            SecretManagerUrl = secretManagerUrl,
            ServiceControlUrl = serviceControlUrl,
            ServiceName = config["PORTCULLIS_SERVICE_NAME"] is { Length: > 0 } name ? name : null,
            Redis = config["PORTCULLIS_REDIS"] is { Length: > 0 } redis ? redis : null,
            ConfigPath = configSource,
            KeysMode = mode,
            KeysPath = keys,
            FailOpen = failPolicy == "open",
            PollInterval = TimeSpan.FromSeconds(pollSeconds),
            BackendAuth = auth == "idtoken",
            BackendOverride = overrideUri,
            DefaultBackend = defaultBackend,
            Cors = Portcullis.Gateway.Cors.CorsPolicy.FromConfiguration(config),
            InlineIo = ReadInlineIo(config),
        };
    }

    /// <summary>Reads <c>PORTCULLIS_INLINE_IO</c> alone: the entry point needs it before anything opens a socket.</summary>
    public static bool ReadInlineIo(IConfiguration config)
    {
        string inline = Value(config, InlineIoSetting, "on");
        return inline switch
        {
            "on" => true,
            "off" => false,
            _ => throw new InvalidOperationException($"{InlineIoSetting} must be 'on' or 'off', not '{inline}'."),
        };
    }

    private const string InlineIoSetting = "PORTCULLIS_INLINE_IO";

    private static string Value(IConfiguration config, string name, string fallback) =>
        config[name] is { Length: > 0 } value ? value : fallback;
}
