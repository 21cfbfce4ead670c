using System.Text.Json.Serialization;

namespace Portcullis.GoogleCloud.Storage;

/// <summary>Source-generated JSON for the gs:// keyring manifest and config index.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(KeyringManifest))]

internal sealed partial class StorageJsonContext : JsonSerializerContext;
