using Portcullis.Gateway.Sources;
using Portcullis.PolicyEngine.Keys;
using Portcullis.PolicyEngine.Policy;

namespace Portcullis.Gateway.Keys;

/// <summary>Checks keys against the live keyring snapshot: synchronous, no allocation, no I/O.</summary>
internal sealed class KeyringKeySource(GatewaySources sources, TimeProvider time) : IKeySource
{
    public ValueTask<KeySourceResult> CheckAsync(string key, ApiOperation operation, HttpContext context, CancellationToken cancellationToken)
    {
        // Never loaded (missing or invalid at start): fail closed.
        Keyring? keyring = sources.Keyring?.Target.Current;
        return keyring is null
            ? new ValueTask<KeySourceResult>(new KeyCheck(KeyVerdict.Unavailable, null))
            : new ValueTask<KeySourceResult>(keyring.Check(key, time.GetUtcNow()));
    }
}
