using System.CommandLine;
using System.Text.Json;
using Portcullis.PolicyEngine.Compilation;
using Portcullis.PolicyEngine.Diff;

namespace Portcullis.Cli.Deploy;

/// <summary><c>portcullis diff OLD NEW</c>: what a deploy would change, downgrades first and marked.</summary>
internal static class DiffCommand
{
    public static Command Create()
    {
        var before = new Argument<FileInfo>("old") { Description = "The config that is live now" };
        var after = new Argument<FileInfo>("new") { Description = "The config to deploy" };
        var json = new Option<bool>("--json") { Description = "Print JSON" };
        Option<Uri?> backend = Validate.BackendOption.Create();
        var command = new Command("diff", "Show what changes between two configs; downgrades are marked.") { before, after, json, backend };
        command.SetAction(result => Run(result.GetValue(before)!, result.GetValue(after)!, result.GetValue(json), result.GetValue(backend)));
        return command;
    }

    private static int Run(FileInfo before, FileInfo after, bool json, Uri? defaultBackend)
    {
        var options = new CompileOptions { DefaultBackend = defaultBackend };
        CompileResult? a = Compile(before, options);
        CompileResult? b = Compile(after, options);
        if (a?.Policy is null || b?.Policy is null)
        {
            return 1;
        }

        IReadOnlyList<ConfigChange> changes = ConfigDiff.Compare(a.Policy, b.Policy);
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(changes.ToList(), CliJsonContext.Default.ListConfigChange));
            return 0;
        }

        Print(changes, Console.Out);
        return 0;
    }

    /// <summary>Prints changes the way <c>diff</c> and <c>deploy</c> show them: downgrades first, marked <c>!</c>.</summary>
    public static void Print(IEnumerable<ConfigChange> changes, TextWriter output)
    {
        var list = changes.OrderByDescending(c => c.IsDowngrade).ToList();
        if (list.Count == 0)
        {
            output.WriteLine("No changes.");
            return;
        }

        foreach (ConfigChange change in list)
        {
            char mark = change.IsDowngrade ? '!' : change.Kind switch { ChangeKind.Added => '+', ChangeKind.Removed => '-', _ => '~' };
            output.WriteLine($"{mark} {change.Operation,-40} {change.Detail}{(change.IsDowngrade ? "   << DOWNGRADE" : "")}");
        }

        int downgrades = list.Count(c => c.IsDowngrade);
        output.WriteLine($"{list.Count} change(s), {downgrades} downgrade(s).");
    }

    /// <summary>Compiles <paramref name="file"/>, printing its errors; null when it cannot be read.</summary>
    public static CompileResult? Compile(FileInfo file, CompileOptions options)
    {
        if (!file.Exists)
        {
            Console.Error.WriteLine($"{file}: not found");
            return null;
        }

        CompileResult result = PolicyCompiler.Compile(File.ReadAllText(file.FullName), options);
        foreach (Diagnostic error in result.Errors)
        {
            Console.Error.WriteLine(error.Format(file.ToString()));
        }

        return result;
    }
}
