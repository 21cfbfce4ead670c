using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace Portcullis.Testing;

/// <summary>
/// A function running as a real process on a free loopback port (<c>PORT</c>, <c>PORTCULLIS_BIND=loopback</c>):
/// its output lines, its address, its end. Waits are polled with generous bounds, never timed.
/// </summary>
public sealed class FunctionProcess : IAsyncDisposable
{
    private static readonly TimeSpan s_startBound = TimeSpan.FromSeconds(60);
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();

    private FunctionProcess(Process process, Uri address, FunctionBinary binary)
    {
        _process = process;
        Address = address;
        Binary = binary;
        _process.OutputDataReceived += (_, e) => Collect(e.Data);
        _process.ErrorDataReceived += (_, e) => Collect(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public Uri Address { get; }

    public FunctionBinary Binary { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>
    /// Starts <paramref name="binary"/> with <paramref name="environment"/> (a null value removes the
    /// variable) and waits until it answers HTTP on its port.
    /// </summary>
    public static async Task<FunctionProcess> StartAsync(FunctionBinary binary, IEnumerable<(string Name, string? Value)> environment)
    {
        ArgumentNullException.ThrowIfNull(binary);
        ArgumentNullException.ThrowIfNull(environment);
        var start = new ProcessStartInfo(binary.File) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in binary.Arguments)
        {
            start.ArgumentList.Add(argument);
        }

        int port = FreePort();
        start.Environment["PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["PORTCULLIS_BIND"] = "loopback";
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

        var function = new FunctionProcess(Process.Start(start)!, new Uri($"http://127.0.0.1:{port}"), binary);
        try
        {
            await function.WaitUntilListeningAsync().ConfigureAwait(false);
        }
        catch
        {
            await function.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return function;
    }

    public string Output() => string.Join('\n', _lines);

    /// <summary>Waits (bounded, 10 s) for <paramref name="count"/> JSON lines on stdout/stderr that <paramref name="match"/>.</summary>
    public async Task<JsonElement[]> WaitForLinesAsync(Func<JsonElement, bool> match, int count)
    {
        ArgumentNullException.ThrowIfNull(match);
        var elapsed = Stopwatch.StartNew();
        while (true)
        {
            JsonElement[] found = [.. _lines.Select(Parse).Where(l => l is { } json && match(json)).Select(l => l!.Value)];
            if (found.Length >= count)
            {
                return found;
            }

            if (elapsed.Elapsed > TimeSpan.FromSeconds(10))
            {
                throw new TimeoutException($"expected {count} matching JSON lines from {Binary}, found {found.Length}:\n{Output()}");
            }

            await Task.Delay(50).ConfigureAwait(false);
        }
    }

    /// <summary>Waits (bounded) for the process to end by itself, and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan bound)
    {
        await _process.WaitForExitAsync().WaitAsync(bound).ConfigureAwait(false);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().ConfigureAwait(false);
        }

        _process.Dispose();
    }

    private async Task WaitUntilListeningAsync()
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var elapsed = Stopwatch.StartNew();
        while (elapsed.Elapsed < s_startBound)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Binary} exited with {_process.ExitCode} before listening:\n{Output()}");
            }

            try
            {
                // Any answer means it listens (a 404 or 401 for a path that is no route).
                using HttpResponseMessage _ = await client.GetAsync(new Uri(Address, "/portcullis-probe")).ConfigureAwait(false);
                return;
            }
            catch (HttpRequestException)
            {
                await Task.Delay(50).ConfigureAwait(false);
            }
            catch (TaskCanceledException)
            {
                await Task.Delay(50).ConfigureAwait(false);
            }
        }

        throw new TimeoutException($"{Binary} did not listen within {s_startBound.TotalSeconds} s:\n{Output()}");
    }

    private void Collect(string? line)
    {
        if (line is not null)
        {
            _lines.Enqueue(line);
        }
    }

    private static JsonElement? Parse(string line)
    {
        if (!line.StartsWith('{'))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(line);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
