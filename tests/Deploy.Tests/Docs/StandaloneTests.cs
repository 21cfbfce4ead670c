namespace Portcullis.Deploy.Tests.Docs;

/// <summary>The repository stands alone: nothing points at files outside it or at a developer's machine.</summary>
public sealed class StandaloneTests
{
    private static readonly string[] s_textExtensions = [".cs", ".md", ".csproj", ".props", ".targets", ".yaml", ".yml", ".json", ".sh", ".py", ".Dockerfile", ".editorconfig", ".gitignore", ".gcloudignore"];

    private static IEnumerable<string> TextFiles() =>
        SourceFiles.Under(".").Where(f =>
            s_textExtensions.Any(e => f.EndsWith(e, StringComparison.Ordinal))
            || f.StartsWith("bench/", StringComparison.Ordinal) && !Path.HasExtension(f)
            || f.StartsWith("deploy/", StringComparison.Ordinal)
            || f is ".ci/run" or "Dockerfile" or "LICENSE");

    [Fact]
    public void NothingPointsOutsideTheRepository()
    {
        // Built from parts so this file does not match itself.
        string[] forbidden = ["../" + "shared/", "DESIGN" + ".md", "/" + "work/", "/" + "root/", "this machine " + "kind"];

        var hits = TextFiles()
            .SelectMany(f => File.ReadLines(RepositoryRoot.File(f)).Select((line, i) => (f, i, line)))
            .Where(x => forbidden.Any(p => x.line.Contains(p, StringComparison.Ordinal)))
            .Select(x => $"{x.f}:{x.i + 1}: {x.line.Trim()}")
            .ToList();
        Assert.True(hits.Count == 0, string.Join('\n', hits));
    }

    [Fact]
    public void BenchResultsAndDocs_CarryNoTemporaryMachinePaths()
    {
        var hits = SourceFiles.Under("bench/results").Concat(SourceFiles.Under("docs")).Append("README.md")
            .SelectMany(f => File.ReadLines(RepositoryRoot.File(f)).Select((line, i) => (f, i, line)))
            .Where(x => x.line.Contains("/" + "tmp/", StringComparison.Ordinal))
            .Select(x => $"{x.f}:{x.i + 1}")
            .ToList();
        Assert.True(hits.Count == 0, string.Join('\n', hits));
    }
}
