namespace Portcullis.PolicyEngine.Diff;

/// <summary>What happened to an operation between two configs.</summary>
public enum ChangeKind
{
    /// <summary>The operation is new.</summary>
    Added,

    /// <summary>The operation is gone.</summary>
    Removed,

    /// <summary>The operation's key rule or backend changed.</summary>
    Changed,
}
