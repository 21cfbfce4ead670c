namespace Portcullis.Gateway;

/// <summary>The gateway's caller-JWT log events (1100s).</summary>
internal static partial class GatewayLog
{
    [LoggerMessage(1100, LogLevel.Information, "Loaded {Count} keys for JWT issuer {Issuer} from {Url}")]
    public static partial void JwksLoaded(ILogger logger, int count, string issuer, string url);

    [LoggerMessage(EventId = 1101, Message = "Cannot fetch the keys of JWT issuer {Issuer} from {Url} ({Reason}); {Consequence}")]
    public static partial void JwksFailed(ILogger logger, LogLevel level, string issuer, string url, string reason, string consequence);

    [LoggerMessage(1102, LogLevel.Information, "JWT refused for {OperationId} ({Status}): {Reason}")]
    public static partial void JwtRefused(ILogger logger, string operationId, int status, string reason);
}
