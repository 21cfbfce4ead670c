namespace Portcullis.Testing;

/// <summary>How <see cref="FakeMetadataServer"/> misbehaves for one identity-token audience.</summary>
public enum IdentityFault
{
    /// <summary>Answers normally.</summary>
    None,

    /// <summary>Accepts the request and never answers until healed (or the client goes away).</summary>
    Hang,

    /// <summary>Closes the connection without answering: what an unreachable server looks like to a client.</summary>
    Reset,

    /// <summary>500 with a short text body.</summary>
    ServerError,

    /// <summary>200 with a body that is not a JWT at all.</summary>
    NotJwt,

    /// <summary>200 with three base64url parts whose payload is not JSON.</summary>
    MalformedJwt,
}
