using System.Text.Json.Serialization;

namespace Portcullis.GoogleCloud.Storage;

/// <summary>
/// A shard object a compaction replaced: no manifest written since <see cref="Retired"/> names it,
/// but a reader that fetched an earlier manifest may still be downloading it, so it is deleted by a
/// later write once <see cref="StorageKeyringStore.RetireAfter"/> has passed.
/// </summary>
public sealed class RetiredShard
{
    /// <summary>Object name (under the keyring's <c>shards/</c> prefix).</summary>
    [JsonPropertyName("object")]
    public string Object { get; set; } = "";

    /// <summary>Object generation (the delete is conditional on it).</summary>
    [JsonPropertyName("generation")]
    public long Generation { get; set; }

    /// <summary>When the manifest that stopped naming it was written.</summary>
    [JsonPropertyName("retired")]
    public DateTimeOffset Retired { get; set; }
}
