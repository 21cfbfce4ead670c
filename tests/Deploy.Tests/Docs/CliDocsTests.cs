using System.CommandLine;
using System.Text.RegularExpressions;
using Portcullis.Cli;

namespace Portcullis.Deploy.Tests.Docs;

/// <summary>
/// docs/cli.md against the CLI's own command tree (what <c>--help</c> prints): every command has a
/// row, every option of a command is in its row, and no row names an option the command lacks.
/// </summary>
public sealed partial class CliDocsTests
{
    private static readonly string[] s_helpOptions = ["--help", "-h", "-?", "/h", "/?", "--version"];

    private static IEnumerable<(string Path, Command Command, IReadOnlyList<Option> Inherited)> Commands()
    {
        var stack = new Stack<(string, Command, IReadOnlyList<Option>)>();
        RootCommand root = CliApp.Create(TimeProvider.System);
        foreach (Command c in root.Subcommands)
        {
            stack.Push(("portcullis " + c.Name, c, []));
        }

        while (stack.Count > 0)
        {
            (string path, Command command, IReadOnlyList<Option> inherited) = stack.Pop();
            if (command.Subcommands.Count == 0)
            {
                yield return (path, command, inherited);
            }

            List<Option> passDown = [.. inherited, .. command.Options.Where(o => o.Recursive)];
            foreach (Command sub in command.Subcommands)
            {
                stack.Push((path + " " + sub.Name, sub, passDown));
            }
        }
    }

    private static IEnumerable<string> Names(Option option) =>
        new[] { option.Name }.Concat(option.Aliases).Where(n => !s_helpOptions.Contains(n));

    private static string Row(string path)
    {
        string? row = RepositoryRoot.Read("docs/cli.md").Split('\n')
            .FirstOrDefault(l => l.StartsWith($"| `{path}", StringComparison.Ordinal)
                && (l.Length == path.Length + 3 || l[path.Length + 3] is ' ' or '`'));
        Assert.True(row is not null, $"docs/cli.md has no row for `{path}`");
        return row;
    }

    public static TheoryData<string> CommandPaths() => new(Commands().Select(c => c.Path));

    [Theory]
    [MemberData(nameof(CommandPaths))]
    public void EveryOption_IsDocumented_AndNoOtherIs(string path)
    {
        (_, Command command, IReadOnlyList<Option> inherited) = Commands().Single(c => c.Path == path);
        string row = Row(path);
        string page = RepositoryRoot.Read("docs/cli.md");

        foreach (Option option in command.Options.Where(o => !s_helpOptions.Contains(o.Name)))
        {
            Assert.Contains(Names(option), n => row.Contains(n, StringComparison.Ordinal));
        }

        foreach (Option option in inherited)
        {
            Assert.Contains(Names(option), n => page.Contains(n, StringComparison.Ordinal));
        }

        HashSet<string> known = command.Options.Concat(inherited).SelectMany(Names).ToHashSet(StringComparer.Ordinal);
        var unknown = OptionToken().Matches(row).Select(m => m.Value).Where(t => !known.Contains(t)).ToList();
        Assert.True(unknown.Count == 0, $"`{path}` has no option " + string.Join(", ", unknown));
    }

    [GeneratedRegex(@"(?<![\w-])--[a-z][a-z-]*")]
    private static partial Regex OptionToken();
}
