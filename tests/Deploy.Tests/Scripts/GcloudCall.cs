namespace Portcullis.Deploy.Tests.Scripts;

/// <summary>One recorded invocation of the fake <c>gcloud</c>, with its arguments exactly as passed.</summary>
internal sealed record GcloudCall(int Index, IReadOnlyList<string> Args)
{
    /// <summary>True when the call starts with these words, e.g. <c>Is("run", "deploy")</c>.</summary>
    public bool Is(params string[] words) => Args.Count >= words.Length && words.Select((w, i) => Args[i] == w).All(b => b);

    /// <summary>The value of <c>--name value</c> or <c>--name=value</c>; null when absent.</summary>
    public string? Flag(string name)
    {
        for (int i = 0; i < Args.Count; i++)
        {
            if (Args[i] == name && i + 1 < Args.Count)
            {
                return Args[i + 1];
            }

            if (Args[i].StartsWith(name + "=", StringComparison.Ordinal))
            {
                return Args[i][(name.Length + 1)..];
            }
        }

        return null;
    }

    public bool HasFlag(string name) => Args.Any(a => a == name || a.StartsWith(name + "=", StringComparison.Ordinal));

    /// <summary>A <c>K=V,K=V</c> flag (<c>--set-env-vars</c>, <c>--substitutions</c>) as a dictionary.</summary>
    public IReadOnlyDictionary<string, string> Pairs(string name) =>
        (Flag(name) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : "", StringComparer.Ordinal);

    public override string ToString() => "gcloud " + string.Join(' ', Args);
}
