namespace Portcullis.Cli.Tests.Corpus;

/// <summary>One row of <c>Corpus/manifest.tsv</c>: what <c>portcullis validate</c> says about a corpus file.</summary>
/// <param name="File">Path under <c>Corpus/files/</c>.</param>
/// <param name="Outcome"><c>accepted</c> or <c>refused</c>, with <c>--backend</c> given.</param>
/// <param name="Reasons">Sorted, comma-separated categories of the refusal (<c>-</c> when accepted).</param>
/// <param name="NeedsBackend"><c>yes</c> when the config names no backend for some operation, so that without <c>--backend</c> it is refused for that too.</param>
internal sealed record CorpusEntry(string File, string Outcome, string Reasons, string NeedsBackend)
{
    public const string Header = "file\toutcome\treasons\tneeds-backend";

    public override string ToString() => $"{File}\t{Outcome}\t{Reasons}\t{NeedsBackend}";

    public static CorpusEntry Parse(string line)
    {
        string[] f = line.Split('\t');
        return new CorpusEntry(f[0], f[1], f[2], f[3]);
    }
}
