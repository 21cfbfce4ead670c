using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Portcullis.PolicyEngine.Yaml;

/// <summary>
/// Loads a config with YamlDotNet, accepting the one construct that PyYAML and ruamel.yaml (the
/// parsers of gcloud and Google's Python tooling) accept and YamlDotNet refuses: a double-quoted
/// scalar whose continuation line is indented no deeper than its key. Leading white space of a
/// quoted scalar's continuation line is not part of its value (YAML 1.2, 7.3.1 and 6.5 line
/// folding), so indenting that line further changes nothing but the check: the loader does exactly
/// that, one line at a time, where YamlDotNet points, and parses again. Lines are never added or
/// removed, so every line number stays the original's; a column on a re-indented line is mapped back.
/// </summary>
internal static class YamlLoader
{
    private const string WrongIndentation = "While scanning a multi-line double-quoted scalar, found wrong indentation.";

    /// <summary>Loads <paramref name="content"/>; throws the <see cref="YamlException"/> of the text as written.</summary>
    public static YamlStream Load(string content)
    {
        string text = content;
        Dictionary<long, int>? shifts = null;
        while (true)
        {
            var stream = new YamlStream();
            try
            {
                stream.Load(new StringReader(text));
                return stream;
            }
            catch (YamlException e) when (e.Message == WrongIndentation && e.Start.Line != e.End.Line)
            {
                shifts ??= [];
                int indent = (int)e.End.Column - 1;
                int target = (int)e.Start.Column;
                if (target <= indent || shifts.Count >= 10_000 || !TryIndent(ref text, e.End.Line, target - indent))
                {
                    throw Unshift(e, shifts);
                }

                shifts[e.End.Line] = shifts.GetValueOrDefault(e.End.Line) + target - indent;
            }
            catch (YamlException e) when (shifts is not null)
            {
                throw Unshift(e, shifts);
            }
        }
    }

    /// <summary>Puts <paramref name="spaces"/> spaces in front of 1-based line <paramref name="line"/>.</summary>
    private static bool TryIndent(ref string text, long line, int spaces)
    {
        int start = 0;
        for (long l = 1; l < line; l++)
        {
            int next = text.IndexOf('\n', start);
            if (next < 0)
            {
                return false;
            }

            start = next + 1;
        }

        text = string.Concat(text.AsSpan(0, start), new string(' ', spaces), text.AsSpan(start));
        return true;
    }

    /// <summary>The same error with the columns it would have on the text as written.</summary>
    private static YamlException Unshift(YamlException e, Dictionary<long, int> shifts)
    {
        if (!shifts.ContainsKey(e.Start.Line) && !shifts.ContainsKey(e.End.Line))
        {
            return e;
        }

        Mark start = Unshift(e.Start, shifts);
        Mark end = Unshift(e.End, shifts);
        return e is SyntaxErrorException
            ? new SyntaxErrorException(start, end, e.Message)
            : new YamlException(start, end, e.Message, e.InnerException);
    }

    private static Mark Unshift(Mark mark, Dictionary<long, int> shifts) =>
        shifts.TryGetValue(mark.Line, out int shift)
            ? new Mark(mark.Index, mark.Line, Math.Max(1, mark.Column - shift))
            : mark;
}
