using System.Text.Json.Serialization;
using Portcullis.PolicyEngine.Keys;

namespace Portcullis.Cli.Keys;

/// <summary>What <c>keys list</c> and <c>keys show</c> print about a key: everything but the key.</summary>
internal sealed record KeyView(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("consumer")] string Consumer,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("created")] DateTimeOffset Created,
    [property: JsonPropertyName("expires")] DateTimeOffset? Expires,
    [property: JsonPropertyName("revoked")] DateTimeOffset? Revoked,
    [property: JsonPropertyName("labels")] IReadOnlyDictionary<string, string> Labels,
    [property: JsonPropertyName("metadata")] IReadOnlyDictionary<string, string>? Metadata,
    [property: JsonPropertyName("allowedIps")] IReadOnlyList<string>? AllowedIps,
    [property: JsonPropertyName("allowedReferrers")] IReadOnlyList<string>? AllowedReferrers,
    [property: JsonPropertyName("allowedOperations")] IReadOnlyList<string>? AllowedOperations)
{
    public static KeyView Of(KeyRecord record, DateTimeOffset now) => new(
        record.Id,
        record.Consumer,
        record.Revoked is { } r && r <= now ? "revoked" : record.Expires is { } e && e <= now ? "expired" : "active",
        record.Created,
        record.Expires,
        record.Revoked,
        record.Labels,
        record.Metadata,
        record.AllowedNetworks?.Select(n => n.ToString()).ToList(),
        record.AllowedReferrers?.Select(p => p.Text).ToList(),
        record.AllowedOperations?.Order(StringComparer.Ordinal).ToList());
}
