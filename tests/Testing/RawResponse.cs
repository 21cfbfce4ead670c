using System.Text;

namespace Portcullis.Testing;

/// <summary>One HTTP/1.1 response as it came off the socket: status, raw head, body, and whether the server closed the connection.</summary>
public sealed record RawResponse(int Status, string Head, byte[] Body, bool Closed)
{
    /// <summary>The body as UTF-8 text.</summary>
    public string BodyText => Encoding.UTF8.GetString(Body);

    /// <summary>The first value of header <paramref name="name"/> (case-insensitive), or null.</summary>
    public string? Header(string name)
    {
        foreach (string line in Head.Split("\r\n"))
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && line.AsSpan(0, colon).Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return line[(colon + 1)..].Trim();
            }
        }

        return null;
    }
}
