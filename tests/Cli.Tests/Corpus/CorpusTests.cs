using System.Security.Cryptography;

namespace Portcullis.Cli.Tests.Corpus;

/// <summary>
/// <c>portcullis validate</c> over a corpus of public API Gateway / Cloud Endpoints configs (issue 18).
/// The expected outcomes are data (<c>Corpus/manifest.tsv</c>); where the code and the manifest
/// disagree, the failure message is the whole manifest as it is now, ready to paste after a change
/// that is meant to move outcomes (JWT support turning "jwt" refusals into acceptances, for example).
/// Provenance and licences: <c>Corpus/SOURCES.tsv</c>; files whose licence does not allow copying are
/// listed there with their URL and SHA-256 only, and are not validated here.
/// </summary>
public sealed class CorpusTests
{
    /// <summary>The default backend given with <c>--backend</c>, as a Cloud Endpoints user gives ESPv2 its <c>--backend</c>.</summary>
    public const string DefaultBackend = "https://backend.example.com";

    [Fact]
    public async Task Validate_EveryStoredFile_MatchesManifest()
    {
        string corpus = CorpusDirectory();
        Dictionary<string, CorpusEntry> expected = File.ReadAllLines(Path.Combine(corpus, "manifest.tsv"))
            .Skip(1).Where(l => l.Length > 0).Select(CorpusEntry.Parse).ToDictionary(e => e.File, StringComparer.Ordinal);
        List<string[]> sources = File.ReadAllLines(Path.Combine(corpus, "SOURCES.tsv"))
            .Skip(1).Where(l => l.Length > 0).Select(l => l.Split('\t')).ToList();

        var actual = new List<CorpusEntry>();
        var problems = new List<string>();
        foreach (string[] source in sources)
        {
            string file = source[0];
            if (source[6] != "stored")
            {
                // Not copied (licence) or a byte-for-byte duplicate: keep its manifest row as it is.
                if (expected.TryGetValue(file, out CorpusEntry? kept))
                {
                    actual.Add(kept);
                }

                continue;
            }

            string path = Path.Combine(corpus, "files", file);
            string hash = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));
            if (hash != source[5])
            {
                problems.Add($"{file}: SHA-256 {hash} is not the recorded {source[5]}");
            }

            actual.Add(await ValidateAsync(file, path));
        }

        foreach (CorpusEntry entry in actual)
        {
            if (!expected.TryGetValue(entry.File, out CorpusEntry? want))
            {
                problems.Add($"{entry.File}: not in manifest.tsv");
            }
            else if (want != entry)
            {
                problems.Add($"{entry.File}: manifest says {want.Outcome} [{want.Reasons}] needs-backend={want.NeedsBackend}, validate says {entry.Outcome} [{entry.Reasons}] needs-backend={entry.NeedsBackend}");
            }
        }

        Assert.True(
            problems.Count == 0,
            string.Join("\n", problems) + "\n\nmanifest.tsv as validate sees it now:\n" + CorpusEntry.Header + "\n" + string.Join("\n", actual));
    }

    [Fact]
    public void Manifest_CountsCoverTheCorpus()
    {
        string corpus = CorpusDirectory();
        int sources = File.ReadAllLines(Path.Combine(corpus, "SOURCES.tsv")).Skip(1).Count(l => l.Length > 0);
        int manifest = File.ReadAllLines(Path.Combine(corpus, "manifest.tsv")).Skip(1).Count(l => l.Length > 0);

        Assert.Equal(sources, manifest);
        Assert.All(
            Directory.EnumerateFiles(Path.Combine(corpus, "files"), "*", SearchOption.AllDirectories),
            f => Assert.Contains(Path.GetRelativePath(Path.Combine(corpus, "files"), f).Replace('\\', '/'), File.ReadAllText(Path.Combine(corpus, "SOURCES.tsv")), StringComparison.Ordinal));
    }

    private static async Task<CorpusEntry> ValidateAsync(string name, string path)
    {
        (int exit, _, string errors) = await ConsoleCapture.RunAsync(TimeProvider.System, "validate", path, "--backend", DefaultBackend);
        (int exitWithout, _, string errorsWithout) = await ConsoleCapture.RunAsync(TimeProvider.System, "validate", path);
        string reasons = string.Join(",", Categories(errors).Order(StringComparer.Ordinal));
        bool needsBackend = exitWithout != 0 && Categories(errorsWithout).Contains("no-backend");
        return new CorpusEntry(name, exit == 0 ? "accepted" : "refused", reasons.Length == 0 ? "-" : reasons, needsBackend ? "yes" : "no");
    }

    private static HashSet<string> Categories(string errors) =>
        errors.Split('\n')
            .Where(l => l.Contains(": error: ", StringComparison.Ordinal))
            .Select(CorpusCategory.Of)
            .ToHashSet(StringComparer.Ordinal);

    private static string CorpusDirectory()
    {
        string? dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "Functions.sln")))
        {
            dir = Path.GetDirectoryName(dir);
        }

        return Path.Combine(dir ?? throw new InvalidOperationException("Functions.sln not found above the test binaries."), "tests", "Cli.Tests", "Corpus");
    }
}
