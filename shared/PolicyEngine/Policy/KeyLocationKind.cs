namespace Portcullis.PolicyEngine.Policy;

/// <summary>Where an API key travels.</summary>
public enum KeyLocationKind
{
    /// <summary>A query parameter.</summary>
    Query,

    /// <summary>A request header (name matched case-insensitively).</summary>
    Header,
}
