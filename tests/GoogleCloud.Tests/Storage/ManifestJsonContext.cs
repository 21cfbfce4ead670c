using System.Text.Json.Serialization;
using Portcullis.GoogleCloud.Storage;

namespace Portcullis.GoogleCloud.Tests.Storage;

/// <summary>Reads and hand-edits keyring manifests in tests (the library's own context is internal).</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(KeyringManifest))]
internal sealed partial class ManifestJsonContext : JsonSerializerContext;
