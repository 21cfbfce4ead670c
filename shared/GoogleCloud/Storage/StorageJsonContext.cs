using System.Text.Json.Serialization;

namespace Portcullis.GoogleCloud.Storage;

/// <summary>Source-generated JSON for the gs:// keyring manifest and config index.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(KeyringManifest))]
[JsonSerializable(typeof(ConfigIndex))]

internal sealed partial class StorageJsonContext : JsonSerializerContext;
