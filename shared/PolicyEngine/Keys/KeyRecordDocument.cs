using System.Text.Json.Serialization;

namespace Portcullis.PolicyEngine.Keys;

/// <summary>One key record as stored.</summary>
public sealed class KeyRecordDocument
{
    /// <summary>Key id (first 12 hex characters of <see cref="Sha256"/>).</summary>
    [JsonPropertyName("id")]
    public string? Id { get; set; }

    /// <summary>Lower-case hex SHA-256 of the key.</summary>
    [JsonPropertyName("sha256")]
    public string? Sha256 { get; set; }

    /// <summary>The consumer the key belongs to.</summary>
    [JsonPropertyName("consumer")]
    public string? Consumer { get; set; }

    /// <summary>Creation time.</summary>
    [JsonPropertyName("created")]
    public DateTimeOffset Created { get; set; }

    /// <summary>Expiry, if any.</summary>
    [JsonPropertyName("expires")]
    public DateTimeOffset? Expires { get; set; }

    /// <summary>Revocation time, if revoked.</summary>
    [JsonPropertyName("revoked")]
    public DateTimeOffset? Revoked { get; set; }

    /// <summary>Free-form labels.</summary>
    [JsonPropertyName("labels")]
    public Dictionary<string, string>? Labels { get; set; }

    /// <summary>Metadata forwarded to the backend (e.g. a plan).</summary>
    [JsonPropertyName("metadata")]
    public Dictionary<string, string>? Metadata { get; set; }

    /// <summary>Per-key quota limits (limit name → units per minute).</summary>
    [JsonPropertyName("quota")]
    public Dictionary<string, long>? Quota { get; set; }

    /// <summary>True for a key imported from another gateway (not in the <c>ptc_</c> format); absent otherwise.</summary>
    [JsonPropertyName("imported")]
    public bool? Imported { get; set; }

    /// <summary>Restrictions on where the key may be used.</summary>
    [JsonPropertyName("restrictions")]
    public KeyRestrictionsDocument? Restrictions { get; set; }
}
