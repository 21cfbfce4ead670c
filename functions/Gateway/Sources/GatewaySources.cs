using Portcullis.PolicyEngine.Compilation;
using Portcullis.PolicyEngine.Keys;
using Portcullis.PolicyEngine.Policy;

namespace Portcullis.Gateway.Sources;

/// <summary>The reloadable inputs of the gateway: the compiled config and, in keyring mode, the keyring.</summary>
internal sealed class GatewaySources
{
    public GatewaySources(GatewayOptions options, ILogger<GatewaySources> logger)
    {
        var compileOptions = new CompileOptions { BackendOverride = options.BackendOverride, SourceName = options.ConfigPath };
        Config = new PolledFile<ApiPolicy>("config", options.ConfigPath, new Live<ApiPolicy>(), content =>
        {
            CompileResult result = PolicyCompiler.Compile(content, compileOptions);
            return new PolledFile<ApiPolicy>.ParseResult(
                result.Policy,
                result.Errors.Select(d => d.Format(options.ConfigPath)).ToList(),
                result.Policy is null ? "" : $"config {result.Policy.ConfigId} ({result.Policy.Operations.Count} operations)");
        }, logger);

        if (options.KeysMode == KeysMode.Keyring)
        {
            Keyring = new PolledFile<Keyring>("keyring", options.KeysPath, new Live<Keyring>(), content =>
            {
                Keyring? keyring = PolicyEngine.Keys.Keyring.TryParse(content, out IReadOnlyList<string> errors);
                return new PolledFile<Keyring>.ParseResult(keyring, errors, keyring is null ? "" : $"{keyring.Count} keys");
            }, logger);
        }
    }

    public PolledFile<ApiPolicy> Config { get; }

    public PolledFile<Keyring>? Keyring { get; }
}
