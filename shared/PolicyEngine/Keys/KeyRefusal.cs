namespace Portcullis.PolicyEngine.Keys;

/// <summary>Why a valid key may not be used for this request (a key restriction).</summary>
public enum KeyRefusal
{
    /// <summary>Every restriction passes.</summary>
    None,

    /// <summary>The client address is outside the key's allowed networks.</summary>
    IpAddressBlocked,

    /// <summary>The <c>Referer</c> matches none of the key's allowed referrers.</summary>
    RefererBlocked,

    /// <summary>The operation is not among the key's allowed operations.</summary>
    OperationBlocked,
}
