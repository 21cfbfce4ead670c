using System.Text.Json.Serialization;

namespace Portcullis.PolicyEngine.Keys;

/// <summary>Restrictions of one key as stored.</summary>
public sealed class KeyRestrictionsDocument
{
    /// <summary>OperationIds the key may call; absent means all.</summary>
    [JsonPropertyName("operations")]
    public List<string>? Operations { get; set; }

    /// <summary>Client networks (CIDR, or a single address) the key may be used from.</summary>
    [JsonPropertyName("ips")]
    public List<string>? Ips { get; set; }

    /// <summary>Referrer patterns the key may be used from.</summary>
    [JsonPropertyName("referrers")]
    public List<string>? Referrers { get; set; }
}
