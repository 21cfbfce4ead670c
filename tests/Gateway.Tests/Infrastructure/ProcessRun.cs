using System.Diagnostics;

namespace Portcullis.Gateway.Tests.Infrastructure;

/// <summary>Runs a program to its end and keeps what it printed (the gateway as a process, <c>dotnet publish</c>).</summary>
internal static class ProcessRun
{
    /// <summary>The gateway built beside the tests, run as <c>dotnet</c> with this as its first argument.</summary>
    public static string GatewayDll => Path.Combine(AppContext.BaseDirectory, "Portcullis.Gateway.dll");

    /// <summary>How the tests start a program: output and errors captured, no shell.</summary>
    public static ProcessStartInfo StartInfo(string file, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return start;
    }

    public static async Task<(int ExitCode, string Output, string Errors)> RunAsync(string file, IEnumerable<string> arguments, TimeSpan timeout)
    {
        using Process process = Process.Start(StartInfo(file, arguments))!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(timeout);
        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>The gateway built beside the tests, with these arguments.</summary>
    public static Task<(int ExitCode, string Output, string Errors)> GatewayAsync(params string[] arguments) =>
        RunAsync("dotnet", [GatewayDll, .. arguments], TimeSpan.FromMinutes(2));
}
