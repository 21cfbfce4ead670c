namespace Portcullis.PolicyEngine.Policy;

/// <summary><c>x-google-backend.protocol</c>.</summary>
public enum BackendProtocol
{
    /// <summary>Not set: HTTP/1.1 for <c>http</c>, negotiated (HTTP/2 preferred) for <c>https</c>.</summary>
    Auto,

    /// <summary><c>http/1.1</c>.</summary>
    Http11,

    /// <summary><c>h2</c>: HTTP/2, with prior knowledge on cleartext addresses.</summary>
    Http2,
}
