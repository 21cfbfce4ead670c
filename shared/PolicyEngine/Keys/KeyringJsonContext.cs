using System.Text.Json.Serialization;

namespace Portcullis.PolicyEngine.Keys;

/// <summary>Source-generated JSON for the keyring document.</summary>
[JsonSourceGenerationOptions(WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(KeyringDocument))]
[JsonSerializable(typeof(KeyRecordDocument))]
[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(Dictionary<string, long>))]
public sealed partial class KeyringJsonContext : JsonSerializerContext;
