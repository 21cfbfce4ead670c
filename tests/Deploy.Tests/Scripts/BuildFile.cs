using System.Text.RegularExpressions;

namespace Portcullis.Deploy.Tests.Scripts;

/// <summary>The parts of a Cloud Build file the tests read: its declared substitutions and its steps' text.</summary>
internal sealed partial class BuildFile
{
    private BuildFile(string text, IReadOnlyDictionary<string, string> substitutions)
    {
        Text = text;
        Substitutions = substitutions;
    }

    public string Text { get; }

    /// <summary>The <c>substitutions:</c> block: name → default.</summary>
    public IReadOnlyDictionary<string, string> Substitutions { get; }

    /// <summary>Every user substitution (<c>${_NAME}</c>) the file uses.</summary>
    public IReadOnlySet<string> Used => UsedPattern().Matches(Text).Select(m => m.Groups[1].Value).ToHashSet();

    public static BuildFile Load(string relative)
    {
        string text = RepositoryRoot.Read(relative);
        var substitutions = new Dictionary<string, string>(StringComparer.Ordinal);
        bool inBlock = false;
        foreach (string line in text.Split('\n'))
        {
            if (line.StartsWith("substitutions:", StringComparison.Ordinal))
            {
                inBlock = true;
                continue;
            }

            if (inBlock && DeclarationPattern().Match(line) is { Success: true } m)
            {
                substitutions[m.Groups[1].Value] = m.Groups[2].Value.Trim().Trim('"');
            }
            else if (inBlock && line.Length > 0 && !char.IsWhiteSpace(line[0]))
            {
                inBlock = false;
            }
        }

        return new BuildFile(text, substitutions);
    }

    [GeneratedRegex(@"\$\{(_[A-Z0-9_]+)\}")]
    private static partial Regex UsedPattern();

    [GeneratedRegex(@"^\s+(_[A-Z0-9_]+):\s*(.*)$")]
    private static partial Regex DeclarationPattern();
}
