using System.Text.Json.Serialization;
using Portcullis.PolicyEngine.Keys;

namespace Portcullis.GoogleCloud.Storage;

/// <summary>
/// <c>PREFIX/manifest.json</c>: the one object a gs:// keyring's readers poll. It names the
/// immutable shard objects by generation and holds the journal of records changed since they were
/// written. Every change replaces it under <c>ifGenerationMatch</c>, so it is also the
/// compare-and-swap point of every writer.
/// </summary>
public sealed class KeyringManifest
{
    /// <summary>The format this code reads and writes.</summary>
    public const string CurrentFormat = "portcullis-keyring/1";

    /// <summary>Format name and version.</summary>
    [JsonPropertyName("format")]
    public string? Format { get; set; }

    /// <summary>How many leading hash bits choose a shard (0: one shard).</summary>
    [JsonPropertyName("shardBits")]
    public int ShardBits { get; set; }

    /// <summary>The non-empty shards.</summary>
    [JsonPropertyName("shards")]
    public List<ShardEntry> Shards { get; set; } = [];

    /// <summary>Records changed since the shards were written (they win over the shards' copies).</summary>
    [JsonPropertyName("journal")]
    public List<KeyRecordDocument> Journal { get; set; } = [];

    /// <summary>Shard objects replaced by a compaction, waiting to be deleted (readers ignore this list).</summary>
    [JsonPropertyName("retired")]
    public List<RetiredShard> Retired { get; set; } = [];

    /// <summary>When this manifest was written.</summary>
    [JsonPropertyName("updated")]
    public DateTimeOffset Updated { get; set; }
}
