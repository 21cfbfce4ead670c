namespace Portcullis.PolicyEngine.Diff;

/// <summary>One difference between two configs.</summary>
/// <param name="Kind">Added, removed or changed.</param>
/// <param name="Operation"><c>METHOD /template</c>, or <c>*</c> for an API-wide setting.</param>
/// <param name="Detail">What changed, in words.</param>
/// <param name="IsDowngrade">Whether the change weakens protection (refused without <c>allowDowngrade</c>).</param>
public sealed record ConfigChange(ChangeKind Kind, string Operation, string Detail, bool IsDowngrade);
