using System.Text.Json.Serialization;

namespace Portcullis.GoogleCloud.Configs;

/// <summary>What the store keeps about one deployed config version.</summary>
/// <param name="Version">The store's version ("1", "2", …); increases with every deploy.</param>
/// <param name="ConfigId">Content hash of the config (the same text always has the same id).</param>
/// <param name="DeployedAt">When it was stored.</param>
/// <param name="Deployer">Who deployed it (service-account email).</param>
/// <param name="Summary">One line: operations and changes.</param>
public sealed record ConfigVersionInfo(
    [property: JsonPropertyName("version")] string Version,
    [property: JsonPropertyName("configId")] string ConfigId,
    [property: JsonPropertyName("deployedAt")] DateTimeOffset DeployedAt,
    [property: JsonPropertyName("deployer")] string Deployer,
    [property: JsonPropertyName("summary")] string Summary);
