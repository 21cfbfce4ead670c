namespace Portcullis.Soak;

/// <summary>The gateway process at one moment, from /proc. CPU is cumulative clock ticks (user + system).</summary>
internal sealed record ProcessSample(long RssKb, int Threads, int Fds, int Sockets, long CpuTicks)
{
    /// <summary>Reads /proc/<paramref name="pid"/>; null once the process has gone.</summary>
    public static ProcessSample? Read(int pid)
    {
        string proc = $"/proc/{pid}";
        try
        {
            long rssKb = 0;
            int threads = 0;
            foreach (string line in File.ReadLines($"{proc}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    rssKb = long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), System.Globalization.CultureInfo.InvariantCulture);
                }
                else if (line.StartsWith("Threads:", StringComparison.Ordinal))
                {
                    threads = int.Parse(line.AsSpan(8).Trim(), System.Globalization.CultureInfo.InvariantCulture);
                }
            }

            int fds = 0;
            int sockets = 0;
            foreach (string fd in Directory.EnumerateFileSystemEntries($"{proc}/fd"))
            {
                fds++;
                // A descriptor closed between listing and reading has no target; it is simply not a socket.
                if (new FileInfo(fd).LinkTarget is { } target && target.StartsWith("socket:", StringComparison.Ordinal))
                {
                    sockets++;
                }
            }

            return new ProcessSample(rssKb, threads, fds, sockets, CpuTicksOf(File.ReadAllText($"{proc}/stat")));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    // Fields 14 and 15 (utime, stime) of /proc/PID/stat, counted after the ")" that ends the command name,
    // which may itself contain spaces.
    private static long CpuTicksOf(string stat)
    {
        string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture)
            + long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture);
    }
}
