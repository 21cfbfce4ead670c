using System.Text.RegularExpressions;

namespace Portcullis.Deploy.Tests.Docs;

/// <summary>
/// docs/deploy.md shows what the scripts run: each code block that starts with a
/// <c># deploy/NAME.sh</c> line holds that script's gcloud commands, verbatim and in order, so the
/// guide cannot drift from the scripts the fake-gcloud tests check.
/// </summary>
public sealed partial class DeployGuideTests
{
    public static TheoryData<string> Scripts() => new("deploy/setup.sh", "deploy/deploy.sh", "deploy/triggers.sh", "deploy/redis.sh", "deploy/deploy-source.sh");

    /// <summary>Each gcloud command of a shell text, continuation lines joined and spacing collapsed.</summary>
    private static List<string> GcloudCommands(string shell)
    {
        string joined = Continuation().Replace(shell, " ");
        var commands = new List<string>();
        foreach (string line in joined.Split('\n'))
        {
            if (line.TrimStart().StartsWith('#'))
            {
                continue;
            }

            foreach (Match m in Gcloud().Matches(line))
            {
                commands.Add(Space().Replace(m.Value, " ").Trim());
            }
        }

        return commands;
    }

    [Theory]
    [MemberData(nameof(Scripts))]
    public void Guide_ShowsEveryGcloudCommandOfTheScript_InOrder(string script)
    {
        List<string> inScript = GcloudCommands(RepositoryRoot.Read(script));
        List<string> inGuide = Markdown.CodeBlocks(RepositoryRoot.Read("docs/deploy.md"))
            .Where(block => block.StartsWith("# " + script + "\n", StringComparison.Ordinal))
            .SelectMany(GcloudCommands)
            .ToList();

        Assert.NotEmpty(inScript);
        Assert.Equal(inScript, inGuide);
    }

    [Fact]
    public void Readme_DeploySteps_AreTheScripts()
    {
        string readme = RepositoryRoot.Read("README.md");

        foreach (string script in new[] { "deploy/setup.sh", "deploy/deploy.sh", "deploy/triggers.sh" })
        {
            Assert.Contains(script, readme, StringComparison.Ordinal);
            Assert.True(File.Exists(RepositoryRoot.File(script)));
        }
    }

    [GeneratedRegex(@"\\\n")]
    private static partial Regex Continuation();

    // A command starts at "gcloud " and runs to a shell separator that is not inside quotes.
    [GeneratedRegex(@"(?<![\w-])gcloud (?:[^|&;)""'\n]|""[^""]*""|'[^']*')*")]
    private static partial Regex Gcloud();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Space();
}
