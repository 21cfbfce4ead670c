namespace Portcullis.Gateway.Errors;

/// <summary>Every way the gateway refuses or fails a request; <see cref="ErrorResponses"/> maps each to HTTP.</summary>
internal enum GatewayError
{
    PathFragment,
    PathTooLong,
    PathInvalidCharacter,
    PathMalformedEscape,
    PathNotAbsolute,
    HeaderNameWithUnderscore,
    ContentLengthWithTransferEncoding,
    NoRoute,
    MethodNotAllowed,
    MissingKey,
    InvalidKey,
    ExpiredKey,
    OperationBlocked,
    IpAddressBlocked,
    RefererBlocked,
    KeySourceUnavailable,
    TokenUnavailable,
    BackendTimeout,
    BackendUnreachable,
    BackendConnectionTerminated,
    BackendProtocolError,
}
