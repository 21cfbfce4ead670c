using System.Text.Json.Serialization;

namespace Portcullis.PolicyEngine.Keys;

/// <summary>The keyring as stored (JSON). Holds hashes only.</summary>
public sealed class KeyringDocument
{
    /// <summary>The key records.</summary>
    [JsonPropertyName("keys")]
    public List<KeyRecordDocument> Keys { get; set; } = [];
}
