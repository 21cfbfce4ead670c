using System.Text.Json.Serialization;
using Portcullis.PolicyEngine.Keys;

namespace Portcullis.Cli.Keys;

/// <summary>One line of a <c>keys import</c> file: the fields <c>keys create</c> takes, plus an optional raw <c>key</c> brought from another gateway.</summary>
internal sealed class ImportLine
{
    [JsonPropertyName("consumer")]
    public string? Consumer { get; set; }

    [JsonPropertyName("name")]
    public string? Name { get; set; }

    /// <summary>A raw key from another gateway (printable, 20–128 characters); stored hashed only. Absent: one is generated.</summary>
    [JsonPropertyName("key")]
    public string? Key { get; set; }

    /// <summary>Expiry: 30d, 24h, or an ISO 8601 time.</summary>
    [JsonPropertyName("expires")]
    public string? Expires { get; set; }

    [JsonPropertyName("quota")]
    public Dictionary<string, long>? Quota { get; set; }

    [JsonPropertyName("restrictions")]
    public KeyRestrictionsDocument? Restrictions { get; set; }

    [JsonPropertyName("labels")]
    public Dictionary<string, string>? Labels { get; set; }

    [JsonPropertyName("metadata")]
    public Dictionary<string, string>? Metadata { get; set; }
}
