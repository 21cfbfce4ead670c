using System.Text.Json.Serialization;

namespace Portcullis.Cli.Keys;

/// <summary><c>keys create --json</c> / <c>keys rotate --json</c>: the key, shown this once, and its id.</summary>
internal sealed record CreatedKey(
    [property: JsonPropertyName("key")] string Key,
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("consumer")] string Consumer,
    [property: JsonPropertyName("expires")] DateTimeOffset? Expires);
