using Portcullis.Gateway.Tests.Infrastructure;
using Portcullis.PolicyEngine.Keys;
using Portcullis.Testing;

namespace Portcullis.Gateway.Tests.Deployed;

/// <summary>
/// The gateway as it is deployed: the program <see cref="FunctionBinary"/> names (the Native AOT binary
/// in CI) as its own process, configured only through the environment as on Cloud Run (<c>K_SERVICE</c>
/// set, so Cloud Logging JSON on stdout; ID tokens and access tokens from a metadata server), its
/// config and keyring in a temp folder.
/// </summary>
internal sealed class DeployedGateway : IAsyncDisposable
{
    private readonly string _directory;

    private DeployedGateway(string directory, FunctionProcess process)
    {
        _directory = directory;
        Process = process;
        Client = new HttpClient { BaseAddress = process.Address, Timeout = TimeSpan.FromSeconds(30) };
    }

    public FunctionProcess Process { get; }

    public HttpClient Client { get; }

    public string ConfigPath => Path.Combine(_directory, "openapi.yaml");

    /// <summary>
    /// Starts the gateway on <paramref name="config"/> (<c>{backend}</c> replaced by <paramref name="backend"/>'s
    /// origin) with <see cref="TestGateway.DefaultKeys"/>; <paramref name="environment"/> comes last.
    /// </summary>
    public static async Task<DeployedGateway> StartAsync(
        string config, Uri backend, FakeMetadataServer metadata, params (string Name, string? Value)[] environment)
    {
        string directory = Directory.CreateTempSubdirectory("portcullis-deployed-").FullName;
        await File.WriteAllTextAsync(Path.Combine(directory, "openapi.yaml"), WithBackend(config, backend));
        await File.WriteAllTextAsync(Path.Combine(directory, "keyring.json"), Keyring.Serialize(TestGateway.DefaultKeys()));
        try
        {
            FunctionProcess process = await FunctionProcess.StartAsync(
                FunctionBinary.For("Gateway"),
                [
                    ("K_SERVICE", "portcullis-deployed-test"),
                    ("GCE_METADATA_HOST", metadata.HostAndPort),
                    ("PORTCULLIS_CONFIG", Path.Combine(directory, "openapi.yaml")),
                    ("PORTCULLIS_KEYS", Path.Combine(directory, "keyring.json")),
                    .. environment,
                ]);
            return new DeployedGateway(directory, process);
        }
        catch
        {
            Directory.Delete(directory, recursive: true);
            throw;
        }
    }

    public static string WithBackend(string config, Uri backend) =>
        config.Replace("{backend}", backend.GetLeftPart(UriPartial.Authority), StringComparison.Ordinal);

    public Task<HttpResponseMessage> GetAsync(string target) => Client.GetAsync(target);

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Process.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }
}
