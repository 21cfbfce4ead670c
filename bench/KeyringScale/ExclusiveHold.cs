using System.Diagnostics;

namespace Portcullis.KeyringScale;

/// <summary>
/// An exclusive flock(1) on the file named by MACHINE_LOCK, held while one figure is measured, so
/// builds that take the same lock shared wait until it is recorded. Without MACHINE_LOCK, nothing.
/// </summary>
internal sealed class ExclusiveHold : IAsyncDisposable
{
    private readonly Process? _flock;

    private ExclusiveHold(Process? flock) => _flock = flock;

    public static async Task<ExclusiveHold> TakeAsync()
    {
        string? file = Environment.GetEnvironmentVariable("MACHINE_LOCK");
        if (string.IsNullOrEmpty(file))
        {
            return new ExclusiveHold(null);
        }

        // flock holds the lock for as long as cat runs; cat runs until its stdin is closed.
        var start = new ProcessStartInfo("flock") { RedirectStandardInput = true, RedirectStandardOutput = true };
        foreach (string arg in (string[])["-x", file, "sh", "-c", "echo held; exec cat >/dev/null"])
        {
            start.ArgumentList.Add(arg);
        }

        Process flock = Process.Start(start)!;
        _ = await flock.StandardOutput.ReadLineAsync();
        return new ExclusiveHold(flock);
    }

    public async ValueTask DisposeAsync()
    {
        if (_flock is not null)
        {
            _flock.StandardInput.Close();
            await _flock.WaitForExitAsync();
            _flock.Dispose();
        }
    }
}
