using System.CommandLine;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;
using Portcullis.Gateway;

namespace Portcullis.Cli.Dev;

/// <summary><c>portcullis dev</c>: the gateway on localhost with the sample config, a demo key and an echo backend.</summary>
internal static class DevCommand
{
    public static Command Create()
    {
        var port = new Option<int>("--port") { Description = "Gateway port", DefaultValueFactory = _ => 8080 };
        var config = new Option<string>("--config") { Description = "API config", DefaultValueFactory = _ => "openapi/openapi.yaml" };
        var keyring = new Option<string>("--keyring") { Description = "Keyring file", DefaultValueFactory = _ => ".portcullis/keyring.json" };
        var backend = new Option<string?>("--backend") { Description = "Send every operation to this local backend instead of the built-in echo backend (backends the config names keep their paths; it is also the default backend of operations that name none)" };
        var issuerPort = new Option<int>("--issuer-port") { Description = "Port of the local JWT issuer (JWKS for 'portcullis token'); 0 turns it off", DefaultValueFactory = _ => 8090 };
        var command = new Command("dev", "Run the gateway locally on embedded defaults (backend ID tokens off), with a local JWT issuer.") { port, config, keyring, backend, issuerPort };
        command.SetAction((result, cancellationToken) => RunAsync(
            result.GetValue(port), result.GetValue(config)!, result.GetValue(keyring)!, result.GetValue(backend), result.GetValue(issuerPort), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(int port, string config, string keyringPath, string? backendText, int issuerPort, CancellationToken cancellationToken)
    {
        Uri? backend = null;
        if (backendText is not null && (!Uri.TryCreate(backendText, UriKind.Absolute, out backend) || backend.Scheme is not ("http" or "https")))
        {
            await Console.Error.WriteLineAsync($"portcullis dev: --backend must be an http(s) URL, not '{backendText}'").ConfigureAwait(false);
            return 2;
        }

        if (!File.Exists(config))
        {
            await Console.Error.WriteLineAsync($"portcullis dev: config '{config}' not found (run from the repository root, or pass --config).").ConfigureAwait(false);
            return 2;
        }

        string key;
        try
        {
            key = await DevKeyring.AddDemoKeyAsync(keyringPath, DateTimeOffset.UtcNow, cancellationToken).ConfigureAwait(false);
        }
        catch (Portcullis.GoogleCloud.Keyrings.StoreException e)
        {
            await Console.Error.WriteLineAsync("portcullis dev: " + e.Message).ConfigureAwait(false);
            return 1;
        }

        WebApplication? echo = null;
        if (backend is null)
        {
            (echo, backend) = await DevEchoBackend.StartAsync(cancellationToken).ConfigureAwait(false);
        }

        // Before the gateway: it fetches the issuer's keys when it loads the config.
        using DevIssuerKey issuerKey = DevIssuerKey.LoadOrCreate(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(keyringPath))!, Path.GetFileName(DevIssuerKey.DefaultPath)));
        WebApplication? issuer = issuerPort == 0 ? null : await DevIssuer.StartAsync(issuerKey, issuerPort, cancellationToken).ConfigureAwait(false);

        try
        {
            WebApplication? gateway = GatewayApp.Build(
                [
                    "--PORT", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    "--PORTCULLIS_BIND", "loopback",
                    "--PORTCULLIS_CONFIG", config,
                    "--PORTCULLIS_KEYS", keyringPath,
                    "--PORTCULLIS_BACKEND_AUTH", "off",
                    "--PORTCULLIS_BACKEND_OVERRIDE", backend.ToString(),
                    "--PORTCULLIS_BACKEND", backend.ToString(),
                ],
                out IReadOnlyList<string> errors);
            if (gateway is null)
            {
                await Console.Error.WriteLineAsync($"portcullis dev: {config} is invalid:").ConfigureAwait(false);
                errors.ToList().ForEach(e => Console.Error.WriteLine("  " + e));
                return 1;
            }

            await gateway.StartAsync(cancellationToken).ConfigureAwait(false);
            string url = $"http://localhost:{port}";
            Console.WriteLine($"""

                Portcullis dev gateway on {url}
                  config   {config}
                  keyring  {keyringPath} (hashes only)
                  backend  {backend}{(echo is null ? "" : " (built-in echo)")}
                  demo key {key}   (shown once; a new one is made on every start)

                Try:
                  curl -i "{url}/v1/shelves?key={key}"     # 200, forwarded with X-Portcullis-Consumer: dev-demo
                  curl -i "{url}/v1/shelves"               # 401, no API key
                  curl -i -H "Authorization: Bearer $(portcullis token --sub alice)" "{url}/v1/me"   # 200, JWT from the local issuer{(issuer is null ? " (off: --issuer-port 0)" : $" on http://localhost:{issuerPort}")}

                Press Ctrl+C to stop.
                """);
            await gateway.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
            return 0;
        }
        finally
        {
            if (echo is not null)
            {
                await echo.DisposeAsync().ConfigureAwait(false);
            }

            if (issuer is not null)
            {
                await issuer.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
