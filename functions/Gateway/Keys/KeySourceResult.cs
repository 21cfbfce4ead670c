using Portcullis.PolicyEngine.Keys;

namespace Portcullis.Gateway.Keys;

/// <summary>
/// What a key source answered: a verdict (and record, for keyring keys), or, when
/// <see cref="Status"/> is set, the exact status and message to refuse with (Service Control's
/// table), plus the consumer Service Control named.
/// </summary>
internal readonly record struct KeySourceResult(
    KeyCheck Check,
    int Status = 0,
    string? Message = null,
    string? ConsumerType = null,
    string? ConsumerNumber = null,
    bool Verified = false)
{
    public static implicit operator KeySourceResult(KeyCheck check) => new(check, Verified: check.Verdict == KeyVerdict.Valid);
}
