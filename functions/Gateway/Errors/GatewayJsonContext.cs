using System.Text.Json.Serialization;

namespace Portcullis.Gateway.Errors;

/// <summary>Source-generated JSON for the gateway's own responses.</summary>
[JsonSerializable(typeof(ErrorBody))]
internal sealed partial class GatewayJsonContext : JsonSerializerContext;
