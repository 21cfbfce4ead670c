namespace Portcullis.PolicyEngine.Keys;

/// <summary>One key in a keyring. Holds the key's hash, never the key.</summary>
/// <param name="Id">Short, loggable id (a prefix of the hash).</param>
/// <param name="Digest">SHA-256 of the key.</param>
/// <param name="Consumer">Who the key belongs to; forwarded to the backend.</param>
/// <param name="Created">When the key was made.</param>
/// <param name="Expires">When it stops working (exclusive), if ever.</param>
/// <param name="Revoked">When it was revoked, if it was.</param>
/// <param name="Labels">Free-form labels.</param>
public sealed record KeyRecord(
    string Id,
    KeyDigest Digest,
    string Consumer,
    DateTimeOffset Created,
    DateTimeOffset? Expires,
    DateTimeOffset? Revoked,
    IReadOnlyDictionary<string, string> Labels)
{
    /// <summary>OperationIds this key may call; null means every operation.</summary>
    public IReadOnlySet<string>? AllowedOperations { get; init; }

    /// <summary>Whether this key may call <paramref name="operationId"/>.</summary>
    public bool Allows(string operationId) => AllowedOperations is null || AllowedOperations.Contains(operationId);
}
