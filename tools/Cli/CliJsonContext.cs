using System.Text.Json.Serialization;
using Portcullis.Cli.Keys;

namespace Portcullis.Cli;

/// <summary>Source-generated JSON for the CLI's <c>--json</c> output.</summary>
[JsonSourceGenerationOptions(WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(KeyView))]
[JsonSerializable(typeof(List<KeyView>))]
[JsonSerializable(typeof(CreatedKey))]
[JsonSerializable(typeof(List<Portcullis.PolicyEngine.Diff.ConfigChange>))]
internal sealed partial class CliJsonContext : JsonSerializerContext;
