using System.Text.Json.Serialization;

namespace Portcullis.PolicyEngine.Keys;

/// <summary>Restrictions of one key as stored.</summary>
public sealed class KeyRestrictionsDocument
{
    /// <summary>OperationIds the key may call; absent means all.</summary>
    [JsonPropertyName("operations")]
    public List<string>? Operations { get; set; }
}
