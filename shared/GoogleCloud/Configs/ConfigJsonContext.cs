using System.Text.Json.Serialization;

namespace Portcullis.GoogleCloud.Configs;

/// <summary>Source-generated JSON for stored config metadata.</summary>
[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(ConfigVersionInfo))]
[JsonSerializable(typeof(StoredConfig))]
internal sealed partial class ConfigJsonContext : JsonSerializerContext;
