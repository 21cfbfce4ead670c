using System.Text.RegularExpressions;

namespace Portcullis.Deploy.Tests.Docs;

/// <summary>
/// docs/configuration.md and the code agree: every <c>PORTCULLIS_*</c> variable the product code
/// reads (a string literal in functions/, shared/ or tools/) is documented there by its full name,
/// and every one documented — there or anywhere in the docs — is read by the code.
/// </summary>
public sealed partial class ConfigurationDocsTests
{
    private static readonly string[] s_productFolders = ["functions", "shared", "tools"];

    private static IReadOnlySet<string> ReadByCode()
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (string file in s_productFolders.SelectMany(f => SourceFiles.Under(f, ".cs")))
        {
            foreach (string line in File.ReadLines(RepositoryRoot.File(file)))
            {
                string code = line.TrimStart();
                if (code.StartsWith("//", StringComparison.Ordinal) || code.StartsWith('*'))
                {
                    continue;
                }

                foreach (Match literal in StringLiteral().Matches(code))
                {
                    names.UnionWith(Name().Matches(literal.Value).Select(m => m.Value));
                }
            }
        }

        return names;
    }

    private static IReadOnlySet<string> NamedIn(string markdownFile) =>
        Name().Matches(RepositoryRoot.Read(markdownFile)).Select(m => m.Value).ToHashSet(StringComparer.Ordinal);

    [Fact]
    public void CodeReadsVariables_TheScanFindsThem()
    {
        IReadOnlySet<string> read = ReadByCode();

        // The scan must find the ones we know are read, or the other tests pass on nothing.
        Assert.Superset(new HashSet<string> { "PORTCULLIS_CONFIG", "PORTCULLIS_KEYS", "PORTCULLIS_AUDIENCE", "PORTCULLIS_ID_TOKEN", "PORTCULLIS_CORS_MAX_AGE", "PORTCULLIS_INLINE_IO" }, read.ToHashSet());
    }

    [Fact]
    public void EveryVariableTheCodeReads_IsDocumentedByItsFullName()
    {
        IReadOnlySet<string> documented = NamedIn("docs/configuration.md");

        List<string> missing = ReadByCode().Where(n => !documented.Contains(n)).Order(StringComparer.Ordinal).ToList();
        Assert.True(missing.Count == 0, "read by the code but not in docs/configuration.md: " + string.Join(", ", missing));
    }

    [Fact]
    public void EveryVariableTheDocsName_IsReadByTheCode()
    {
        IReadOnlySet<string> read = ReadByCode();

        var unknown = MarkdownFiles.All()
            .SelectMany(file => NamedIn(file).Where(n => !read.Contains(n)).Select(n => $"{n} ({file})"))
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.True(unknown.Count == 0, "named in the docs but read nowhere in the code: " + string.Join(", ", unknown));
    }

    [Fact]
    public void EveryVariableTheDeployScriptsSet_IsReadByTheCode()
    {
        IReadOnlySet<string> read = ReadByCode();

        var unknown = SourceFiles.Under("deploy").Append("cloudbuild.yaml")
            .SelectMany(file => Name().Matches(RepositoryRoot.Read(file)).Select(m => m.Value))
            .Where(n => !read.Contains(n))
            .Distinct()
            .ToList();
        Assert.Empty(unknown);
    }

    // A full name: not a prefix such as PORTCULLIS_CORS_* (the trailing '_' is not part of a name).
    [GeneratedRegex(@"(?<![A-Za-z0-9_])PORTCULLIS_[A-Z0-9]+(?:_[A-Z0-9]+)*(?![A-Za-z0-9_])")]
    private static partial Regex Name();

    [GeneratedRegex(@"""(?:[^""\\]|\\.)*""")]
    private static partial Regex StringLiteral();
}
