using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace Portcullis.Gateway.Tests.Infrastructure;

/// <summary>A gateway running as a real process (the published binary or <c>dotnet Portcullis.Gateway.dll</c>): its output, its address, its end.</summary>
internal sealed class GatewayProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();

    public GatewayProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
        _process.OutputDataReceived += (_, e) => Collect(e.Data);
        _process.ErrorDataReceived += (_, e) => Collect(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public Uri Address { get; }

    /// <summary>The process id, for looking at it from outside (<c>/proc</c>).</summary>
    public int Id => _process.Id;

    /// <summary>
    /// Starts <paramref name="file"/> on a free loopback port, serving <see cref="Configs.Things"/> against
    /// <paramref name="backend"/> with <see cref="TestGateway.DefaultKeys"/> (both written into
    /// <paramref name="directory"/>), and waits until it listens. <paramref name="environment"/> comes
    /// last: a null value removes the variable.
    /// </summary>
    public static async Task<GatewayProcess> StartAsync(
        string file, IEnumerable<string> arguments, string directory, Uri backend, IEnumerable<(string Name, string? Value)> environment)
    {
        string configPath = Path.Combine(directory, $"openapi-{Guid.NewGuid():N}.yaml");
        string keyringPath = Path.Combine(directory, $"keyring-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(configPath, Configs.Things.Replace("{backend}", backend.GetLeftPart(UriPartial.Authority), StringComparison.Ordinal));
        await File.WriteAllTextAsync(keyringPath, Portcullis.PolicyEngine.Keys.Keyring.Serialize(TestGateway.DefaultKeys()));
        int port = FreePort();
        ProcessStartInfo start = ProcessRun.StartInfo(file, arguments);
        start.Environment["PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["PORTCULLIS_BIND"] = "loopback";
        start.Environment["PORTCULLIS_CONFIG"] = configPath;
        start.Environment["PORTCULLIS_KEYS"] = keyringPath;
        foreach ((string name, string? value) in environment)
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        var gateway = new GatewayProcess(Process.Start(start)!, new Uri($"http://127.0.0.1:{port}"));
        await gateway.WaitUntilListeningAsync();
        return gateway;
    }

    public string Output() => string.Join('\n', _lines);

    public async Task WaitUntilListeningAsync()
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            Assert.False(_process.HasExited, "the gateway exited:\n" + Output());
            try
            {
                // Any answer means it is listening (404 for a path that is no route).
                await client.GetAsync(new Uri(Address, "/portcullis-probe"));
                return;
            }
            catch (HttpRequestException)
            {
                await Task.Delay(50);
            }
        }

        Assert.Fail("the gateway did not start listening:\n" + Output());
    }

    public async Task<JsonElement[]> WaitForLinesAsync(Func<JsonElement, bool> match, int count)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            JsonElement[] found = [.. _lines.Select(Parse).Where(l => l is { } json && match(json)).Select(l => l!.Value)];
            if (found.Length >= count || deadline.Elapsed > TimeSpan.FromSeconds(10))
            {
                Assert.True(found.Length >= count, $"expected {count} matching JSON lines on stdout:\n{Output()}");
                return found;
            }

            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static JsonElement? Parse(string line)
    {
        try
        {
            return JsonDocument.Parse(line).RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private void Collect(string? line)
    {
        if (line is not null)
        {
            _lines.Enqueue(line);
        }
    }
}
