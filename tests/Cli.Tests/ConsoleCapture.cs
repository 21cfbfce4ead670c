[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace Portcullis.Cli.Tests;

/// <summary>Runs the CLI in-process and captures what it prints (tests here run one at a time: Console is global).</summary>
internal static class ConsoleCapture
{
    public static async Task<(int Exit, string Out, string Error)> RunAsync(TimeProvider time, params string[] args)
    {
        TextWriter originalOut = Console.Out;
        TextWriter originalError = Console.Error;
        using var output = new StringWriter();
        using var error = new StringWriter();
        Console.SetOut(output);
        Console.SetError(error);
        try
        {
            int exit = await CliApp.Create(time).Parse(args).InvokeAsync();
            return (exit, output.ToString(), error.ToString());
        }
        finally
        {
            Console.SetOut(originalOut);
            Console.SetError(originalError);
        }
    }
}
