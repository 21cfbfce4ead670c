using System.Text.Json.Serialization;

namespace Portcullis.Gateway.Errors;

/// <summary>ESPv2's error body: the HTTP status and a message prefixed with the gRPC code name where ESPv2 has one.</summary>
internal sealed record ErrorBody(
    [property: JsonPropertyName("code")] int Code,
    [property: JsonPropertyName("message")] string Message);
