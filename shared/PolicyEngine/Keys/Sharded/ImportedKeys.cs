namespace Portcullis.PolicyEngine.Keys.Sharded;

/// <summary>
/// Keys brought from another gateway (<c>keys import</c> with a <c>key</c> field): any printable
/// ASCII string of 20 to 128 characters, stored hashed like ours. They carry no checksum, so a
/// keyring holding any of them hashes every candidate of that shape instead of refusing non-<c>ptc_</c>
/// keys unhashed.
/// </summary>
public static class ImportedKeys
{
    /// <summary>Shortest imported key.</summary>
    public const int MinLength = 20;

    /// <summary>Longest imported key.</summary>
    public const int MaxLength = 128;

    /// <summary>Whether <paramref name="key"/> has the shape of an imported key.</summary>
    public static bool IsAcceptable(ReadOnlySpan<char> key) =>
        key.Length is >= MinLength and <= MaxLength && !key.ContainsAnyExceptInRange(' ', '~');
}
