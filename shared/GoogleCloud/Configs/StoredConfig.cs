using System.Text.Json.Serialization;

namespace Portcullis.GoogleCloud.Configs;

/// <summary>One Secret Manager version of a config: metadata and content together, so a version is self-describing.</summary>
internal sealed record StoredConfig(
    [property: JsonPropertyName("info")] ConfigVersionInfo Info,
    [property: JsonPropertyName("content")] string Content);
