namespace Portcullis.Testing;

/// <summary>One request as a fake received it: raw target, headers and body.</summary>
public sealed record RecordedRequest(
    string Method,
    string RawTarget,
    string Path,
    string Query,
    IReadOnlyDictionary<string, string[]> Headers,
    byte[] Body,
    string Protocol,
    DateTimeOffset ReceivedAt)
{
    /// <summary>The first value of header <paramref name="name"/> (case-insensitive), or null.</summary>
    public string? Header(string name) => Headers.TryGetValue(name, out string[]? values) && values.Length > 0 ? values[0] : null;
}
