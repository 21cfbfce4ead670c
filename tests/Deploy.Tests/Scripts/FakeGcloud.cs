using System.Diagnostics;

namespace Portcullis.Deploy.Tests.Scripts;

/// <summary>
/// Runs a script under <c>deploy/</c> with a fake <c>gcloud</c> (and <c>portcullis</c>) first on PATH. The fake records
/// every call (arguments separated by U+001F, so each one is kept exactly), keeps what was piped to
/// <c>--data-file=-</c>, and answers the few queries the scripts make the way gcloud does
/// (<c>--format=value(…)</c> prints the bare value; <c>describe</c> of a missing resource exits 1).
/// </summary>
internal sealed class FakeGcloud : IDisposable
{
    public const string ProjectNumber = "123456789012";

    private const string Script = """
        #!/usr/bin/env bash
        log="$FAKE_GCLOUD_DIR/calls.log"
        ( IFS=$'\x1f'; printf '%s\n' "$*" ) >> "$log"
        n=$(wc -l < "$log")
        for a in "$@"; do
          if [ "$a" = "--data-file=-" ]; then cat > "$FAKE_GCLOUD_DIR/stdin-$n"; fi
        done
        args=" $* "
        case "$args" in
          *" config get-value account "*) echo "alice@example.com" ;;
          *" projects describe "*) echo "123456789012" ;;
          *" secrets describe "*"--format=value(versionAliases.current)"*) if [ -n "$FAKE_EXISTS" ]; then echo 1; fi ;;
          *" run services describe portcullis-config-deployer "*) echo "$FAKE_DEPLOYER_URL" ;;
          *" run services describe portcullis-gateway "*) echo "https://portcullis-gateway-123456789012.$REGION.run.app" ;;
          *" functions describe portcullis-config-deployer "*) echo "$FAKE_DEPLOYER_URL" ;;
          *" functions describe portcullis-gateway "*) echo "https://portcullis-gateway-123456789012.$REGION.run.app" ;;
          *" auth print-identity-token "*) echo "fake-id-token" ;;
          *" secrets versions add "*) echo "projects/123456789012/secrets/portcullis-keyring/versions/1" ;;
          *" redis instances describe "*"--format=value(host)"*) echo "10.0.0.3" ;;
          *" redis instances describe "*"--format=value(port)"*) echo "6379" ;;
          *" describe "*) if [ -z "$FAKE_EXISTS" ]; then echo "ERROR: (gcloud) NOT_FOUND" >&2; exit 1; fi ;;
        esac
        exit 0
        """;

    /// <summary>A fake <c>portcullis</c> CLI: its calls go to the same log, first argument <c>@portcullis</c>.</summary>
    private const string CliScript = """
        #!/usr/bin/env bash
        ( IFS=$'\x1f'; printf '@portcullis\x1f%s\n' "$*" ) >> "$FAKE_GCLOUD_DIR/calls.log"
        exit 0
        """;

    // Variables a developer's shell may carry that the scripts read: never inherited by a run.
    private static readonly string[] s_scriptVariables =
    [
        "PROJECT", "REGION", "REPOSITORY", "CONFIG", "KEY_MODE", "SERVICE_NAME", "OPERATOR_MEMBER", "RUN_TESTS",
        "BACKEND_SERVICES", "REDIS", "VPC_CONNECTOR", "GITHUB_REPO", "CONNECTION", "BRANCH", "NETWORK",
        "CONNECTOR", "CONNECTOR_RANGE", "FAKE_EXISTS", "FAKE_DEPLOYER_URL",
    ];

    private readonly string _dir = Directory.CreateTempSubdirectory("portcullis-fake-gcloud-").FullName;

    public FakeGcloud()
    {
        foreach ((string name, string text) in new[] { ("gcloud", Script), ("portcullis", CliScript) })
        {
            string path = Path.Combine(_dir, name);
            File.WriteAllText(path, text.Replace("\r\n", "\n", StringComparison.Ordinal) + "\n");
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }
    }

    /// <summary>Runs <paramref name="script"/> (repo-relative) with these variables; returns what happened.</summary>
    public ScriptRun Run(string script, IReadOnlyDictionary<string, string> variables)
    {
        string log = Path.Combine(_dir, "calls.log");
        File.Delete(log);
        var start = new ProcessStartInfo("bash", [RepositoryRoot.File(script)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = RepositoryRoot.Path,
        };
        foreach (string name in s_scriptVariables)
        {
            start.Environment.Remove(name);
        }

        start.Environment["PATH"] = _dir + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH");
        start.Environment["FAKE_GCLOUD_DIR"] = _dir;
        foreach ((string name, string value) in variables)
        {
            start.Environment[name] = value;
        }

        using Process process = Process.Start(start)!;
        process.StandardInput.Close();
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{script} did not finish within 2 minutes");
        }

        List<GcloudCall> calls = File.Exists(log)
            ? File.ReadAllLines(log).Select((line, i) => new GcloudCall(i + 1, line.Split('\u001f'))).ToList()
            : [];
        return new ScriptRun(process.ExitCode, stdout.Result, stderr.Result, calls, n =>
        {
            string piped = Path.Combine(_dir, $"stdin-{n}");
            return File.Exists(piped) ? File.ReadAllText(piped) : null;
        });
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
