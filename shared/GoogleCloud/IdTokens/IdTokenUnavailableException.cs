namespace Portcullis.GoogleCloud.IdTokens;

/// <summary>No ID token could be obtained for an audience (no credentials, metadata server down or slow).</summary>
public sealed class IdTokenUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public IdTokenUnavailableException(string audience, string reason, Exception? inner = null)
        : base($"No ID token for audience '{audience}': {reason}", inner)
    {
        Audience = audience;
    }

    /// <summary>The audience that was asked for.</summary>
    public string Audience { get; }
}
