namespace Portcullis.PolicyEngine.Routing;

/// <summary>What one segment of a path template matches.</summary>
public enum SegmentKind
{
    /// <summary>Exactly this text (case-sensitive).</summary>
    Literal,

    /// <summary><c>*</c>, <c>{v}</c> or <c>{v=*}</c>: one non-empty segment.</summary>
    Single,

    /// <summary><c>**</c> or <c>{v=**}</c>: one or more segments, slashes kept.</summary>
    Multi,
}
