using System.Text.Json.Serialization;

namespace Portcullis.Cli.Dev;

/// <summary>Source-generated JSON for the dev echo backend.</summary>
[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(Dictionary<string, object>))]
[JsonSerializable(typeof(SortedDictionary<string, string>))]
internal sealed partial class DevJsonContext : JsonSerializerContext;
