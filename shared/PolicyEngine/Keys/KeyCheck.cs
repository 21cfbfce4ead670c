namespace Portcullis.PolicyEngine.Keys;

/// <summary>The outcome of checking one key: a verdict and, when known, the key's record.</summary>
public readonly record struct KeyCheck(KeyVerdict Verdict, KeyRecord? Record)
{
    /// <summary>An unknown key.</summary>
    public static KeyCheck Unknown => new(KeyVerdict.Unknown, null);
}
