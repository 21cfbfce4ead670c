using System.Text.Json.Serialization;

namespace Portcullis.GoogleCloud.SecretManager;

/// <summary>The parts of the Secret resource Portcullis reads and writes.</summary>
internal sealed class SecretDto
{
    [JsonPropertyName("name")]
    public string? Name { get; set; }

    [JsonPropertyName("etag")]
    public string? Etag { get; set; }

    /// <summary>Alias → version number (int64 as a JSON string).</summary>
    [JsonPropertyName("versionAliases")]
    public Dictionary<string, string>? VersionAliases { get; set; }
}

/// <summary>A SecretVersion (metadata).</summary>
internal sealed class SecretVersionDto
{
    [JsonPropertyName("name")]
    public string? Name { get; set; }

    [JsonPropertyName("state")]
    public string? State { get; set; }
}

/// <summary>A page of versions.</summary>
internal sealed class VersionListDto
{
    [JsonPropertyName("versions")]
    public List<SecretVersionDto>? Versions { get; set; }
}

/// <summary>A payload: base64 data and its CRC32C (int64 as a JSON string).</summary>
internal sealed class PayloadDto
{
    [JsonPropertyName("data")]
    public string? Data { get; set; }

    [JsonPropertyName("dataCrc32c")]
    public string? DataCrc32C { get; set; }
}

/// <summary>The body of <c>:access</c> answers and <c>:addVersion</c> requests.</summary>
internal sealed class PayloadEnvelopeDto
{
    [JsonPropertyName("name")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Name { get; set; }

    [JsonPropertyName("payload")]
    public PayloadDto? Payload { get; set; }
}

/// <summary>Google's error envelope.</summary>
internal sealed class ErrorEnvelopeDto
{
    [JsonPropertyName("error")]
    public ErrorDto? Error { get; set; }
}

/// <summary>The error inside the envelope.</summary>
internal sealed class ErrorDto
{
    [JsonPropertyName("code")]
    public int Code { get; set; }

    [JsonPropertyName("message")]
    public string? Message { get; set; }

    [JsonPropertyName("status")]
    public string? Status { get; set; }
}

/// <summary>Source-generated JSON for the Secret Manager client.</summary>
[JsonSerializable(typeof(SecretDto))]
[JsonSerializable(typeof(SecretVersionDto))]
[JsonSerializable(typeof(VersionListDto))]
[JsonSerializable(typeof(PayloadEnvelopeDto))]
[JsonSerializable(typeof(ErrorEnvelopeDto))]
internal sealed partial class SecretManagerJsonContext : JsonSerializerContext;
