namespace Portcullis.Testing;

/// <summary>
/// One generated request: <paramref name="Index"/> with the run's seed reproduces it.
/// <paramref name="KeyOnlyInKeyLocations"/> is false when the valid key was also planted somewhere
/// that is not a key location (a decoy such as <c>?KEY=</c>), which the gateway rightly forwards.
/// </summary>
public sealed record BypassCase(
    long Index,
    string Method,
    string Target,
    IReadOnlyList<KeyValuePair<string, string>> Headers,
    bool KeyOnlyInKeyLocations)
{
    /// <summary>The request bytes, with <c>X-Fuzz-Id</c> so the backend's record points back to the case.</summary>
    public byte[] ToRequest(Uri server)
    {
        string[] lines = new string[Headers.Count + 1];
        lines[0] = "X-Fuzz-Id: " + Index.ToString(System.Globalization.CultureInfo.InvariantCulture);
        for (int i = 0; i < Headers.Count; i++)
        {
            lines[i + 1] = Headers[i].Key + ": " + Headers[i].Value;
        }

        return RawHttpConnection.Request(Method, Target, server, lines);
    }

    /// <summary>How the case reads in a failure message.</summary>
    public override string ToString() =>
        $"#{Index} {Method} {Target}" + string.Concat(Headers.Select(h => $" [{h.Key}: {h.Value}]"));
}
