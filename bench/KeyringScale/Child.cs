using System.Diagnostics;

namespace Portcullis.KeyringScale;

/// <summary>
/// A process the benchmark starts and stops: its output goes to a log file (not through a pipe this
/// process would have to drain under load), and its pid is the program itself, so /proc/PID/stat is its CPU.
/// </summary>
internal sealed class Child : IAsyncDisposable
{
    private readonly Process _process;
    private long _logOffset;

    private Child(Process process, string log)
    {
        _process = process;
        Log = log;
    }

    public int Pid => _process.Id;

    public string Log { get; }

    /// <summary>What the child printed after the announcement prefix it was started with (its URL), if any.</summary>
    public string? Announced { get; private set; }

    /// <summary>Where a gateway child listens.</summary>
    public Uri? Address { get; set; }

    public static async Task<Child> StartAsync(string file, string[] args, string log, string? announcement, IReadOnlyDictionary<string, string>? environment = null)
    {
        // sh only redirects and execs: the pid stays the program's.
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        foreach (string arg in (string[])["-c", "exec \"$0\" \"$@\" >\"$LOG_FILE\" 2>&1", file, .. args])
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["LOG_FILE"] = log;
        foreach ((string name, string value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var child = new Child(Process.Start(start)!, log);
        if (announcement is not null)
        {
            var waited = Stopwatch.StartNew();
            while (child.Announced is null)
            {
                if (waited.Elapsed > TimeSpan.FromSeconds(60) || child._process.HasExited)
                {
                    throw new InvalidOperationException($"{file} did not print '{announcement}'; see {log}");
                }

                await Task.Delay(50);
                child.Announced = File.Exists(log)
                    ? File.ReadLines(log).FirstOrDefault(l => l.StartsWith(announcement, StringComparison.Ordinal))?[announcement.Length..].Trim()
                    : null;
            }
        }

        return child;
    }

    /// <summary>Lines of the log written since the last call that contain <paramref name="marker"/>.</summary>
    public int CountNewLines(string marker)
    {
        using var stream = new FileStream(Log, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        stream.Seek(_logOffset, SeekOrigin.Begin);
        using var reader = new StreamReader(stream);
        int count = 0;
        string? line;
        long read = 0;
        while ((line = reader.ReadLine()) is not null)
        {
            // Only whole lines count; a line still being written is read again next time.
            read += System.Text.Encoding.UTF8.GetByteCount(line) + 1;
            if (line.Contains(marker, StringComparison.Ordinal))
            {
                count++;
            }
        }

        _logOffset = Math.Min(_logOffset + read, stream.Length);
        return count;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
