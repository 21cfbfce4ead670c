using System.CommandLine;
using System.CommandLine.Parsing;
using Portcullis.PolicyEngine.Compilation;

namespace Portcullis.Cli.Validate;

/// <summary>
/// <c>--backend URL</c> on <c>validate</c>, <c>diff</c> and <c>deploy</c>: the default backend
/// (<see cref="CompileOptions.DefaultBackend"/>, the gateway's <c>PORTCULLIS_BACKEND</c>) for
/// operations whose config names none, checked with the compiler's own address rules.
/// </summary>
internal static class BackendOption
{
    public static Option<Uri?> Create() => new("--backend")
    {
        Description = "Default backend for operations whose config names none (as ESPv2's --backend; the gateway's PORTCULLIS_BACKEND)",
        CustomParser = Parse,
    };

    private static Uri? Parse(ArgumentResult result)
    {
        string text = result.Tokens.Count == 0 ? "" : result.Tokens[0].Value;
        if (CompileOptions.TryParseBackendAddress(text, out Uri? address, out string? error))
        {
            return address;
        }

        result.AddError("--backend: " + error);
        return null;
    }
}
