namespace Portcullis.PolicyEngine.Keys;

/// <summary>What a key source said about a key.</summary>
public enum KeyVerdict
{
    /// <summary>The key is good.</summary>
    Valid,

    /// <summary>No such key (or not a key at all).</summary>
    Unknown,

    /// <summary>The key was revoked.</summary>
    Revoked,

    /// <summary>The key's expiry has passed.</summary>
    Expired,

    /// <summary>The key source could not answer (store or Service Control down).</summary>
    Unavailable,
}
