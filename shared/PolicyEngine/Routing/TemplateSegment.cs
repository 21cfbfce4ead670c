namespace Portcullis.PolicyEngine.Routing;

/// <summary>One segment of a compiled path template.</summary>
/// <param name="Kind">What the segment matches.</param>
/// <param name="Text">The literal text, or the variable name (null for an unnamed wildcard).</param>
public sealed record TemplateSegment(SegmentKind Kind, string? Text);
