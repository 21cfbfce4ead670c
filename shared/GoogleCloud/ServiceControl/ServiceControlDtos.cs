using System.Text.Json.Serialization;

namespace Portcullis.GoogleCloud.ServiceControl;

/// <summary>A Service Control Operation (the fields Portcullis sends).</summary>
internal sealed class OperationDto
{
    [JsonPropertyName("operationId")]
    public string? OperationId { get; set; }

    [JsonPropertyName("operationName")]
    public string? OperationName { get; set; }

    [JsonPropertyName("consumerId")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ConsumerId { get; set; }

    [JsonPropertyName("startTime")]
    public string? StartTime { get; set; }

    [JsonPropertyName("endTime")]
    public string? EndTime { get; set; }

    [JsonPropertyName("labels")]
    public Dictionary<string, string>? Labels { get; set; }

    [JsonPropertyName("metricValueSets")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<MetricValueSetDto>? MetricValueSets { get; set; }
}

/// <summary>One metric with its values.</summary>
internal sealed class MetricValueSetDto
{
    [JsonPropertyName("metricName")]
    public string? MetricName { get; set; }

    [JsonPropertyName("metricValues")]
    public List<MetricValueDto>? MetricValues { get; set; }
}

/// <summary>One int64 metric value (a JSON string, as proto3 JSON encodes int64).</summary>
internal sealed class MetricValueDto
{
    [JsonPropertyName("int64Value")]
    public string? Int64Value { get; set; }
}

/// <summary><c>:check</c> request.</summary>
internal sealed class CheckRequestDto
{
    [JsonPropertyName("operation")]
    public OperationDto? Operation { get; set; }
}

/// <summary><c>:report</c> request.</summary>
internal sealed class ReportRequestDto
{
    [JsonPropertyName("operations")]
    public List<OperationDto>? Operations { get; set; }
}

/// <summary><c>:check</c> response.</summary>
internal sealed class CheckResponseDto
{
    [JsonPropertyName("checkErrors")]
    public List<CheckErrorDto>? CheckErrors { get; set; }

    [JsonPropertyName("checkInfo")]
    public CheckInfoDto? CheckInfo { get; set; }
}

/// <summary>One check error.</summary>
internal sealed class CheckErrorDto
{
    [JsonPropertyName("code")]
    public string? Code { get; set; }

    [JsonPropertyName("detail")]
    public string? Detail { get; set; }
}

/// <summary>Check info: who the consumer is.</summary>
internal sealed class CheckInfoDto
{
    [JsonPropertyName("consumerInfo")]
    public ConsumerInfoDto? ConsumerInfo { get; set; }
}

/// <summary>The consumer of a checked key.</summary>
internal sealed class ConsumerInfoDto
{
    [JsonPropertyName("type")]
    public string? Type { get; set; }

    [JsonPropertyName("consumerNumber")]
    public string? ConsumerNumber { get; set; }

    [JsonPropertyName("projectNumber")]
    public string? ProjectNumber { get; set; }
}

/// <summary><c>:allocateQuota</c> request.</summary>
internal sealed class AllocateQuotaRequestDto
{
    [JsonPropertyName("allocateOperation")]
    public QuotaOperationDto? AllocateOperation { get; set; }
}

/// <summary>A quota operation.</summary>
internal sealed class QuotaOperationDto
{
    [JsonPropertyName("operationId")]
    public string? OperationId { get; set; }

    [JsonPropertyName("methodName")]
    public string? MethodName { get; set; }

    [JsonPropertyName("consumerId")]
    public string? ConsumerId { get; set; }

    [JsonPropertyName("quotaMetrics")]
    public List<MetricValueSetDto>? QuotaMetrics { get; set; }

    [JsonPropertyName("quotaMode")]
    public string? QuotaMode { get; set; }
}

/// <summary><c>:allocateQuota</c> response.</summary>
internal sealed class AllocateQuotaResponseDto
{
    [JsonPropertyName("allocateErrors")]
    public List<QuotaErrorDto>? AllocateErrors { get; set; }
}

/// <summary>One quota error.</summary>
internal sealed class QuotaErrorDto
{
    [JsonPropertyName("code")]
    public string? Code { get; set; }

    [JsonPropertyName("description")]
    public string? Description { get; set; }
}

/// <summary>Source-generated JSON for Service Control.</summary>
[JsonSerializable(typeof(CheckRequestDto))]
[JsonSerializable(typeof(CheckResponseDto))]
[JsonSerializable(typeof(ReportRequestDto))]
[JsonSerializable(typeof(AllocateQuotaRequestDto))]
[JsonSerializable(typeof(AllocateQuotaResponseDto))]
internal sealed partial class ServiceControlJsonContext : JsonSerializerContext;
