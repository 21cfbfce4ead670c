using System.Text.Json.Serialization;

namespace Portcullis.GoogleCloud.Storage;

/// <summary>One shard object as the manifest names it; readers fetch exactly this generation and check its size and hash.</summary>
public sealed class ShardEntry
{
    /// <summary>Which shard (the value of the leading hash bits).</summary>
    [JsonPropertyName("index")]
    public int Index { get; set; }

    /// <summary>Object name (under the keyring's prefix).</summary>
    [JsonPropertyName("object")]
    public string Object { get; set; } = "";

    /// <summary>Object generation.</summary>
    [JsonPropertyName("generation")]
    public long Generation { get; set; }

    /// <summary>Records in the shard.</summary>
    [JsonPropertyName("count")]
    public int Count { get; set; }

    /// <summary>Object size in bytes.</summary>
    [JsonPropertyName("size")]
    public int Size { get; set; }

    /// <summary>Lower-case hex SHA-256 of the object's bytes.</summary>
    [JsonPropertyName("sha256")]
    public string Sha256 { get; set; } = "";
}
