using Portcullis.PolicyEngine.Keys.Sharded;

namespace Portcullis.GoogleCloud.Storage;

/// <summary>A loaded gs:// keyring: the index to check keys with, and the manifest generation it came from (0: no manifest yet, an empty keyring).</summary>
public sealed record KeyringSnapshot(KeyIndex Index, KeyringManifest Manifest, long Generation);
