using System.Text.Json.Serialization;
using Portcullis.PolicyEngine.Keys;

namespace Portcullis.Cli.Keys;

/// <summary>Source-generated JSON for the JSON-lines files of <c>keys import</c> and <c>keys export</c> (one compact object per line).</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ImportLine))]
[JsonSerializable(typeof(ImportedKeyLine))]
[JsonSerializable(typeof(KeyRecordDocument))]
internal sealed partial class KeysLineJsonContext : JsonSerializerContext;
