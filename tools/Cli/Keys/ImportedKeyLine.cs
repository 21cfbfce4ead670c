using System.Text.Json.Serialization;

namespace Portcullis.Cli.Keys;

/// <summary><c>keys import --json</c>: one line per imported key, in input order; <see cref="Key"/> only when it was generated (shown this once).</summary>
internal sealed record ImportedKeyLine(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("consumer")] string Consumer,
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("key")] string? Key);
