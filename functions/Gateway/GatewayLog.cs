namespace Portcullis.Gateway;

/// <summary>The gateway's log events (1000s).</summary>
internal static partial class GatewayLog
{
    [LoggerMessage(1000, LogLevel.Information, "Loaded {What} from {Path}: {Description}")]
    public static partial void SourceLoaded(ILogger logger, string what, string path, string description);

    [LoggerMessage(1001, LogLevel.Error, "Rejected new {What} from {Path}; keeping the last good one. {Errors}")]
    public static partial void SourceRejected(ILogger logger, string what, string path, string errors);

    [LoggerMessage(1002, LogLevel.Warning, "Cannot read {What} from {Path} ({Reason}); keeping the last good one")]
    public static partial void SourceUnavailable(ILogger logger, string what, string path, string reason);

    [LoggerMessage(1003, LogLevel.Warning, "PORTCULLIS_BACKEND_AUTH=off: requests are forwarded WITHOUT an ID token. Use this for local development only.")]
    public static partial void BackendAuthOff(ILogger logger);

    [LoggerMessage(1004, LogLevel.Error, "No ID token for backend audience {Audience}; answering 503")]
    public static partial void TokenUnavailable(ILogger logger, string audience, Exception exception);

    [LoggerMessage(1005, LogLevel.Warning, "Backend {Backend} failed for {OperationId}: {Error}")]
    public static partial void BackendFailed(ILogger logger, string backend, string operationId, string error, Exception? exception);

    [LoggerMessage(1006, LogLevel.Debug, "Client aborted {OperationId}")]
    public static partial void ClientAborted(ILogger logger, string operationId);

    [LoggerMessage(1007, LogLevel.Error, "The keyring is not available; key checks answer 503 until it loads")]
    public static partial void KeyringUnavailable(ILogger logger);

    [LoggerMessage(1008, LogLevel.Information, "Key {KeyId} refused for {OperationId}: {Verdict}")]
    public static partial void KeyRefused(ILogger logger, string keyId, string operationId, string verdict);

    [LoggerMessage(1009, LogLevel.Error, "Polling {What} from {Location} failed unexpectedly; keeping the last good one and trying again next tick")]
    public static partial void PollFailed(ILogger logger, string what, string location, Exception exception);

    [LoggerMessage(1010, LogLevel.Warning, "Service Control is unavailable (fail {Policy}): {Reason}")]
    public static partial void ServiceControlUnavailable(ILogger logger, string policy, string reason);

    [LoggerMessage(1011, LogLevel.Error, "Service Control check failed: {Reason}")]
    public static partial void ServiceControlFailed(ILogger logger, string reason);

    [LoggerMessage(1012, LogLevel.Warning, "Dropped {Lost} usage records Service Control did not take ({Total} dropped so far)")]
    public static partial void ReportDropped(ILogger logger, long lost, long total);

    [LoggerMessage(1013, LogLevel.Warning, "Redis did not answer ({Reason}); counting quota per instance until it does")]
    public static partial void RedisFallback(ILogger logger, string reason);

    [LoggerMessage(EventId = 1014, Message = "{HttpRequest} operation={Operation} consumer={Consumer} key={KeyId} config={ConfigId}")]
    public static partial void Request(ILogger logger, LogLevel level, Portcullis.Hosting.Logging.HttpRequestInfo httpRequest, string operation, string consumer, string keyId, string configId);

    [LoggerMessage(1090, LogLevel.Information, "Listening {Total} ms after Main (entered {MainAt}): {Stages}")]
    public static partial void Started(ILogger logger, string total, string mainAt, string stages);

    [LoggerMessage(1091, LogLevel.Debug, "Could not fetch the {What} token ahead of the first request ({Reason}); the request fetches it")]
    public static partial void PrefetchFailed(ILogger logger, string what, string reason);
}
