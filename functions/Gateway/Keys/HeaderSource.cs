using Microsoft.Extensions.Primitives;
using Portcullis.PolicyEngine.Keys;

namespace Portcullis.Gateway.Keys;

/// <summary>ASP.NET Core request headers as the key extractor reads them (case-insensitive, first value).</summary>
internal readonly ref struct HeaderSource(IHeaderDictionary headers) : IHeaderSource
{
    public string? GetFirst(string name) =>
        headers.TryGetValue(name, out StringValues values) && values.Count > 0 ? values[0] : null;
}
