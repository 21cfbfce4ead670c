namespace Portcullis.Deploy.Tests.Docs;

/// <summary>The user-facing Markdown of the repository: the front page, docs/, and the pages beside them.</summary>
internal static class MarkdownFiles
{
    public static IEnumerable<string> All()
    {
        yield return "README.md";
        yield return "CONTRIBUTING.md";
        yield return "SECURITY.md";
        yield return "bench/results/README.md";
        foreach (string file in Directory.EnumerateFiles(RepositoryRoot.File("docs"), "*.md", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            yield return Path.GetRelativePath(RepositoryRoot.Path, file).Replace('\\', '/');
        }
    }
}
