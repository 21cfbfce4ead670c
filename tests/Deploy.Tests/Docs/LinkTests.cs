namespace Portcullis.Deploy.Tests.Docs;

/// <summary>Every relative link in the README, docs/ and the pages beside them resolves: the file exists, and so does the heading an anchor names.</summary>
public sealed class LinkTests
{
    public static TheoryData<string> Pages() => new(MarkdownFiles.All());

    [Theory]
    [MemberData(nameof(Pages))]
    public void RelativeLinks_Resolve(string page)
    {
        string text = RepositoryRoot.Read(page);
        var broken = new List<string>();
        foreach (string target in Markdown.LinkTargets(text))
        {
            if (target.StartsWith("http://", StringComparison.Ordinal) || target.StartsWith("https://", StringComparison.Ordinal) || target.StartsWith("mailto:", StringComparison.Ordinal))
            {
                continue;
            }

            string[] parts = target.Split('#', 2);
            string file = parts[0].Length == 0
                ? RepositoryRoot.File(page)
                : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(RepositoryRoot.File(page))!, parts[0]));
            if (!file.StartsWith(RepositoryRoot.Path, StringComparison.Ordinal))
            {
                broken.Add(target + " (outside the repository)");
            }
            else if (!File.Exists(file) && !Directory.Exists(file))
            {
                broken.Add(target + " (no such file)");
            }
            else if (parts.Length == 2 && file.EndsWith(".md", StringComparison.Ordinal) && !Markdown.Anchors(File.ReadAllText(file)).Contains(parts[1]))
            {
                broken.Add(target + " (no such heading)");
            }
        }

        Assert.True(broken.Count == 0, $"{page}: " + string.Join(", ", broken));
    }

    [Fact]
    public void Readme_IsAFrontPage()
    {
        int lines = RepositoryRoot.Read("README.md").Split('\n').Length;

        Assert.True(lines <= 160, $"README.md has {lines} lines; reference material belongs in docs/");
    }

    [Fact]
    public void DocsIndex_LinksEveryPage()
    {
        string index = RepositoryRoot.Read("docs/README.md");

        var unlinked = Directory.EnumerateFiles(RepositoryRoot.File("docs"), "*.md")
            .Select(Path.GetFileName)
            .Where(name => name != "README.md" && !index.Contains("(" + name, StringComparison.Ordinal))
            .ToList();
        Assert.Empty(unlinked);
    }
}
