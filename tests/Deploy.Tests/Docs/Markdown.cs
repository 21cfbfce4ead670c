using System.Text;
using System.Text.RegularExpressions;

namespace Portcullis.Deploy.Tests.Docs;

/// <summary>The little of Markdown the doc checks need: prose lines, links, heading anchors and fenced code.</summary>
internal static partial class Markdown
{
    /// <summary>Lines outside fenced code blocks, with inline code removed (or only its backticks, for headings).</summary>
    public static IEnumerable<string> ProseLines(string text, bool keepInlineCode = false)
    {
        bool fenced = false;
        foreach (string line in text.Split('\n'))
        {
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                fenced = !fenced;
                continue;
            }

            if (!fenced)
            {
                yield return keepInlineCode ? line.Replace("`", "", StringComparison.Ordinal) : InlineCode().Replace(line, "");
            }
        }
    }

    /// <summary>The contents of the fenced code blocks, one string each.</summary>
    public static IEnumerable<string> CodeBlocks(string text)
    {
        StringBuilder? block = null;
        foreach (string line in text.Split('\n'))
        {
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                if (block is null)
                {
                    block = new StringBuilder();
                }
                else
                {
                    yield return block.ToString();
                    block = null;
                }

                continue;
            }

            block?.Append(line).Append('\n');
        }
    }

    public static IEnumerable<string> LinkTargets(string text) =>
        ProseLines(text).SelectMany(l => Link().Matches(l).Select(m => m.Groups[1].Value));

    /// <summary>GitHub's anchor for each heading: lower case, punctuation dropped, spaces to '-'.</summary>
    public static IReadOnlySet<string> Anchors(string text) =>
        ProseLines(text, keepInlineCode: true)
            .Where(l => l.StartsWith('#'))
            .Select(l => Slug(l.TrimStart('#').Trim()))
            .ToHashSet(StringComparer.Ordinal);

    private static string Slug(string heading)
    {
        var slug = new StringBuilder();
        foreach (char c in heading.ToLowerInvariant())
        {
            if (char.IsLetterOrDigit(c) || c is '-' or '_')
            {
                slug.Append(c);
            }
            else if (c == ' ')
            {
                slug.Append('-');
            }
        }

        return slug.ToString();
    }

    [GeneratedRegex(@"`[^`]*`")]
    private static partial Regex InlineCode();

    [GeneratedRegex(@"\]\(([^)\s]+)\)")]
    private static partial Regex Link();
}
