using System.Text.Json.Serialization;
using Portcullis.GoogleCloud.Configs;

namespace Portcullis.GoogleCloud.Storage;

/// <summary><c>PREFIX/configs.json</c> of a gs:// config store: every version's metadata and object, and which one is live.</summary>
public sealed class ConfigIndex
{
    /// <summary>The live version, or null before the first deploy.</summary>
    [JsonPropertyName("live")]
    public string? Live { get; set; }

    /// <summary>Every version, oldest first.</summary>
    [JsonPropertyName("versions")]
    public List<ConfigIndexEntry> Versions { get; set; } = [];
}
