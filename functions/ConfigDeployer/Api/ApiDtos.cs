using System.Text.Json;
using System.Text.Json.Serialization;
using Portcullis.GoogleCloud.Configs;

namespace Portcullis.ConfigDeployer.Api;

/// <summary>One compiler diagnostic as the API returns it.</summary>
internal sealed record DiagnosticDto(string Severity, string Pointer, int Line, int Column, string Message);

/// <summary>One difference between the live config and the new one.</summary>
internal sealed record ChangeDto(string Kind, string Operation, string Detail, bool Downgrade);

/// <summary>The answer to a deploy (also a dry run).</summary>
internal sealed record DeployResponse(
    string ConfigId,
    string? Version,
    bool Live,
    bool Unchanged,
    bool DryRun,
    IReadOnlyList<ChangeDto> Diff,
    IReadOnlyList<DiagnosticDto> Warnings);

/// <summary>An error in ESPv2's shape, with the details a deployer needs.</summary>
internal sealed record ErrorResponse(
    int Code,
    string Message,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<DiagnosticDto>? Diagnostics = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<ChangeDto>? Downgrades = null);

/// <summary><c>GET /v1/configs</c>.</summary>
internal sealed record VersionsResponse(string? Live, IReadOnlyList<ConfigVersionInfo> Versions);

/// <summary><c>GET /v1/configs/live</c>.</summary>
internal sealed record LiveResponse(ConfigVersionInfo Info, string Content);

/// <summary><c>POST /v1/configs:rollback</c> body.</summary>
internal sealed record RollbackRequest(string? Version);

/// <summary>The answer to a rollback.</summary>
internal sealed record RollbackResponse(string Live, string ConfigId);

/// <summary>Source-generated JSON for the deployer API (camelCase).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true)]
[JsonSerializable(typeof(DeployResponse))]
[JsonSerializable(typeof(ErrorResponse))]
[JsonSerializable(typeof(VersionsResponse))]
[JsonSerializable(typeof(LiveResponse))]
[JsonSerializable(typeof(RollbackRequest))]
[JsonSerializable(typeof(RollbackResponse))]
internal sealed partial class DeployerJsonContext : JsonSerializerContext;
