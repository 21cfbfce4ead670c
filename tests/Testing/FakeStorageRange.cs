using System.Globalization;

namespace Portcullis.Testing;

/// <summary><c>Range: bytes=a-b</c>, <c>bytes=a-</c> and <c>bytes=-n</c> (RFC 9110 §14.1.2) over a body of known length.</summary>
internal static class FakeStorageRange
{
    public static bool TryParse(string header, int length, out int from, out int to)
    {
        from = 0;
        to = length - 1;
        if (!header.StartsWith("bytes=", StringComparison.Ordinal) || length == 0)
        {
            return false;
        }

        string spec = header["bytes=".Length..];
        int dash = spec.IndexOf('-', StringComparison.Ordinal);
        if (dash < 0)
        {
            return false;
        }

        string first = spec[..dash];
        string last = spec[(dash + 1)..];
        if (first.Length == 0)
        {
            if (!int.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out int suffix) || suffix == 0)
            {
                return false;
            }

            from = Math.Max(0, length - suffix);
            return true;
        }

        if (!int.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out from) || from >= length)
        {
            return false;
        }

        if (last.Length > 0 && int.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out int end))
        {
            to = Math.Min(end, length - 1);
        }

        return to >= from;
    }
}
