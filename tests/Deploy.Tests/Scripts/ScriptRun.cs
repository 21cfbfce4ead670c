namespace Portcullis.Deploy.Tests.Scripts;

/// <summary>What a script did: its exit code and output, and every gcloud call in order.</summary>
internal sealed record ScriptRun(int ExitCode, string Stdout, string Stderr, IReadOnlyList<GcloudCall> Calls, Func<int, string?> Stdin)
{
    public IEnumerable<GcloudCall> Where(params string[] words) => Calls.Where(c => c.Is(words));

    public GcloudCall Single(params string[] words)
    {
        List<GcloudCall> found = Where(words).ToList();
        Assert.True(found.Count == 1, $"expected one 'gcloud {string.Join(' ', words)}', found {found.Count}:\n{this}");
        return found[0];
    }

    /// <summary>The <c>add-iam-policy-binding</c> calls as (resource kind, resource, member, role).</summary>
    public IEnumerable<(string Kind, string Resource, string Member, string Role)> Bindings() =>
        Calls.Where(c => c.Args.Contains("add-iam-policy-binding"))
            .Select(c =>
            {
                int verb = c.Args.ToList().IndexOf("add-iam-policy-binding");
                string kind = string.Join(' ', c.Args.Take(verb));
                return (kind, c.Args[verb + 1], c.Flag("--member") ?? "", c.Flag("--role") ?? "");
            });

    public override string ToString() =>
        $"exit {ExitCode}\n{string.Join('\n', Calls)}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
}
