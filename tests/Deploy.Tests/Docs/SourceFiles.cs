namespace Portcullis.Deploy.Tests.Docs;

/// <summary>Files of the repository as git would see them: build output and git's own folder left out.</summary>
internal static class SourceFiles
{
    private static readonly string[] s_skippedFolders = ["bin", "obj", ".git", ".vs", "TestResults", "BenchmarkDotNet.Artifacts", ".portcullis", "nupkg", "artifacts"];

    public static IEnumerable<string> Under(string relativeFolder, params string[] extensions)
    {
        var stack = new Stack<string>([RepositoryRoot.File(relativeFolder)]);
        while (stack.Count > 0)
        {
            string dir = stack.Pop();
            foreach (string sub in Directory.EnumerateDirectories(dir))
            {
                if (!s_skippedFolders.Contains(Path.GetFileName(sub)))
                {
                    stack.Push(sub);
                }
            }

            foreach (string file in Directory.EnumerateFiles(dir))
            {
                if (extensions.Length == 0 || extensions.Any(e => file.EndsWith(e, StringComparison.Ordinal)))
                {
                    yield return Path.GetRelativePath(RepositoryRoot.Path, file).Replace('\\', '/');
                }
            }
        }
    }
}
