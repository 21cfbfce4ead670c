namespace Portcullis.PolicyEngine.Routing;

/// <summary>Why a request path was refused before matching.</summary>
public enum PathError
{
    /// <summary>The path is acceptable.</summary>
    None,

    /// <summary>The path contains <c>#</c>.</summary>
    Fragment,

    /// <summary>The path is longer than <see cref="PathNormalizer.MaxPathLength"/> bytes.</summary>
    TooLong,

    /// <summary>A control character, a non-ASCII byte or a character RFC 3986 does not allow in a path.</summary>
    InvalidCharacter,

    /// <summary>A <c>%</c> not followed by two hex digits, or an escaped NUL (<c>%00</c>).</summary>
    MalformedEscape,

    /// <summary>The path does not start with <c>/</c>.</summary>
    NotAbsolute,
}
