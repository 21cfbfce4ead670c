namespace Portcullis.GoogleCloud.ServiceControl;

/// <summary>What a check is about: the method selector, the key and ESPv2's restriction labels.</summary>
public sealed record CheckRequest(
    string OperationName,
    string ApiKey,
    string? CallerIp,
    string? Referer,
    string? AndroidPackage,
    string? AndroidCert,
    string? IosBundle);
