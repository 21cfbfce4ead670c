namespace Portcullis.PolicyEngine.Keys;

/// <summary>
/// Read access to request headers, so the pure key extractor can read a host's headers
/// without depending on ASP.NET. Implemented by a struct in the gateway (no allocation).
/// </summary>
public interface IHeaderSource
{
    /// <summary>The first value of header <paramref name="name"/> (case-insensitive), or null.</summary>
    string? GetFirst(string name);
}
