using System.Text.Json.Serialization;
using Portcullis.GoogleCloud.Configs;

namespace Portcullis.GoogleCloud.Storage;

/// <summary>One config version in a <see cref="ConfigIndex"/>: its metadata and the object (and generation) holding its text.</summary>
public sealed class ConfigIndexEntry
{
    /// <summary>The version's metadata.</summary>
    [JsonPropertyName("info")]
    public ConfigVersionInfo? Info { get; set; }

    /// <summary>Object name of the OpenAPI text.</summary>
    [JsonPropertyName("object")]
    public string Object { get; set; } = "";

    /// <summary>Its generation.</summary>
    [JsonPropertyName("generation")]
    public long Generation { get; set; }
}
