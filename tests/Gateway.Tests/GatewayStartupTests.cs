using Portcullis.Gateway.Tests.Infrastructure;

namespace Portcullis.Gateway.Tests;

/// <summary>The gateway as a process: an invalid config or a busy port at start is fatal, with a clear message.</summary>
public sealed class GatewayStartupTests
{
    [Fact]
    public async Task InvalidConfigAtStart_ExitsNonZero_PrintingEveryDiagnostic()
    {
        string directory = Directory.CreateTempSubdirectory("portcullis-start-").FullName;
        string config = Path.Combine(directory, "bad.yaml");
        await File.WriteAllTextAsync(config, """
            swagger: "2.0"
            info: { title: T, version: "1" }
            x-google-backend: { address: "https://b.example.com" }
            paths:
              /a:
                get:
                  operationId: a
                  security: [{ ghost: [] }]
              /b/x{y}:
                get: { operationId: b }
            """);

        (int exitCode, _, string errors) = await ProcessRun.GatewayAsync(
            "--PORT", "0", "--PORTCULLIS_BIND", "loopback", "--PORTCULLIS_CONFIG", config, "--PORTCULLIS_KEYS", Path.Combine(directory, "none.json"));

        Assert.Equal(1, exitCode);
        Assert.Contains("'ghost'", errors, StringComparison.Ordinal);
        Assert.Contains("partial-segment", errors, StringComparison.Ordinal);
        Assert.Contains($"{config}:8:", errors, StringComparison.Ordinal);
        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public async Task PortInUse_ExitsWithOne_AndSaysSo_NoStackTrace()
    {
        using var busy = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        busy.Start();
        int port = ((System.Net.IPEndPoint)busy.LocalEndpoint).Port;
        string directory = Directory.CreateTempSubdirectory("portcullis-start-").FullName;
        string config = Path.Combine(directory, "openapi.yaml");
        await File.WriteAllTextAsync(config, Configs.Things.Replace("{backend}", "http://127.0.0.1:9", StringComparison.Ordinal));

        (int exitCode, _, string errors) = await ProcessRun.GatewayAsync(
            "--PORT", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--PORTCULLIS_BIND", "loopback", "--PORTCULLIS_CONFIG", config,
            "--PORTCULLIS_BACKEND_AUTH", "off", "--PORTCULLIS_KEYS", Path.Combine(directory, "none.json"));

        Assert.Equal(1, exitCode);
        Assert.Contains("portcullis gateway: cannot listen:", errors, StringComparison.Ordinal);
        Assert.Contains(port.ToString(System.Globalization.CultureInfo.InvariantCulture), errors, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", errors, StringComparison.Ordinal);
        Directory.Delete(directory, recursive: true);
    }
}
