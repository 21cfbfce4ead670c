namespace Portcullis.ConfigDeployer;

/// <summary>The deployer's log events (2000s).</summary>
internal static partial class DeployerLog
{
    [LoggerMessage(2000, LogLevel.Information, "Deployed config version {Version} ({ConfigId}) by {Deployer}: {Summary}")]
    public static partial void Deployed(ILogger logger, string version, string configId, string deployer, string summary);

    [LoggerMessage(2001, LogLevel.Warning, "Rejected an invalid config from {Deployer}: {Errors} error(s)")]
    public static partial void Rejected(ILogger logger, string deployer, int errors);

    [LoggerMessage(2002, LogLevel.Warning, "Refused a config from {Deployer}: {Downgrades} downgrade(s) without allowDowngrade")]
    public static partial void DowngradeRefused(ILogger logger, string deployer, int downgrades);

    [LoggerMessage(2003, LogLevel.Information, "Another deploy landed first; {Deployer} retries (attempt {Attempt})")]
    public static partial void Raced(ILogger logger, string deployer, int attempt);

    [LoggerMessage(2004, LogLevel.Information, "Rolled back to config version {Version} ({ConfigId}) by {Deployer}")]
    public static partial void RolledBack(ILogger logger, string version, string configId, string deployer);

    [LoggerMessage(2005, LogLevel.Warning, "Refused a caller: {Reason}")]
    public static partial void CallerRefused(ILogger logger, string reason);

    [LoggerMessage(2006, LogLevel.Error, "The config store failed: {Reason}")]
    public static partial void StoreFailed(ILogger logger, string reason);
}
