namespace Portcullis.PolicyEngine.Policy;

/// <summary>Whether an operation needs an API key.</summary>
public enum KeyRequirement
{
    /// <summary>No key: <c>security: []</c>, no security at all, or an unrecognised call under <c>x-google-allow: all</c>. A key that is sent is not checked.</summary>
    None,

    /// <summary>An empty requirement <c>{}</c> sits beside an apiKey one: a key that is sent is checked, none is fine.</summary>
    Optional,

    /// <summary>A key must be sent and be valid.</summary>
    Required,
}
