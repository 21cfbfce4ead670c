using System.CommandLine;
using Portcullis.PolicyEngine.Compilation;

namespace Portcullis.Cli.Validate;

/// <summary><c>portcullis validate FILE</c>: compiles a config with the gateway's compiler and prints every diagnostic.</summary>
internal static class ValidateCommand
{
    public static Command Create()
    {
        var file = new Argument<FileInfo>("file") { Description = "OpenAPI config (YAML or JSON)" };
        Option<Uri?> backend = BackendOption.Create();
        var command = new Command("validate", "Check an API config; exits non-zero when it has errors.") { file, backend };
        command.SetAction(result => Run(result.GetValue(file)!, Console.Out, Console.Error, result.GetValue(backend)));
        return command;
    }

    public static int Run(FileInfo file, TextWriter stdout, TextWriter stderr, Uri? defaultBackend = null)
    {
        string content;
        try
        {
            content = File.ReadAllText(file.FullName);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"{file}: cannot read: {e.Message}");
            return 2;
        }

        CompileResult result = PolicyCompiler.Compile(content, new CompileOptions { SourceName = file.Name, DefaultBackend = defaultBackend });
        foreach (Diagnostic diagnostic in result.Diagnostics)
        {
            (diagnostic.Severity == DiagnosticSeverity.Error ? stderr : stdout).WriteLine(diagnostic.Format(file.ToString()));
        }

        if (result.Policy is not { } policy)
        {
            stderr.WriteLine($"{file}: invalid ({result.Errors.Count()} errors)");
            return 1;
        }

        int keyed = policy.Operations.Count(o => o.KeyRequirement != PolicyEngine.Policy.KeyRequirement.None);
        int withJwt = policy.Operations.Count(o => o.Authentication.Providers.Count > 0);
        string jwt = policy.JwtProviders.Count == 0 ? "" : $", {withJwt} accept a JWT from {string.Join(", ", policy.JwtProviders.Select(p => p.Issuer))}";
        stdout.WriteLine($"{file}: OK, config {policy.ConfigId}: {policy.Operations.Count} operations ({keyed} need an API key{jwt})");
        return 0;
    }
}
