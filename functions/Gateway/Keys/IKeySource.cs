using Portcullis.PolicyEngine.Keys;
using Portcullis.PolicyEngine.Policy;

namespace Portcullis.Gateway.Keys;

/// <summary>
/// Checks an API key. The one seam every key source plugs into: the keyring (file or Secret
/// Manager) and Google API keys through Service Control.
/// </summary>
internal interface IKeySource
{
    /// <summary>Checks <paramref name="key"/> for a call of <paramref name="operation"/>.</summary>
    ValueTask<KeySourceResult> CheckAsync(string key, ApiOperation operation, HttpContext context, CancellationToken cancellationToken);
}
