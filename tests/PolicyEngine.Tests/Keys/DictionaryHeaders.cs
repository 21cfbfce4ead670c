using Portcullis.PolicyEngine.Keys;

namespace Portcullis.PolicyEngine.Tests.Keys;

/// <summary>Request headers for tests: names case-insensitive, as HTTP (RFC 9110 §5.1) and the gateway's source treat them.</summary>
internal readonly struct DictionaryHeaders : IHeaderSource
{
    private readonly Dictionary<string, string> _values;

    public DictionaryHeaders(params (string Name, string Value)[] headers)
    {
        _values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach ((string name, string value) in headers)
        {
            // The first value of a repeated header is the one a source returns.
            _values.TryAdd(name, value);
        }
    }

    public static DictionaryHeaders None { get; } = new();

    public string? GetFirst(string name) => _values is not null && _values.TryGetValue(name, out string? value) ? value : null;
}
