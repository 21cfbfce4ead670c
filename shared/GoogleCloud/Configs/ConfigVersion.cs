namespace Portcullis.GoogleCloud.Configs;

/// <summary>A stored config version: its metadata and the OpenAPI text.</summary>
public sealed record ConfigVersion(ConfigVersionInfo Info, string Content);
