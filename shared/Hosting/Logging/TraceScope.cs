namespace Portcullis.Hosting.Logging;

/// <summary>
/// Reads the trace id of a request from <c>traceparent</c> (W3C) or <c>X-Cloud-Trace-Context</c>
/// (<c>TRACE/SPAN;o=1</c>), so every log line of the request carries
/// <c>logging.googleapis.com/trace</c> and Cloud Logging groups them.
/// </summary>
public static class TraceScope
{
    /// <summary>The scope key the formatter looks for.</summary>
    public const string Key = "TraceId";

    /// <summary>The 32-hex trace id, or null.</summary>
    public static string? ParseTraceId(string? traceparent, string? cloudTraceContext)
    {
        // traceparent: 00-<32 hex trace id>-<16 hex span id>-<2 hex flags>
        if (traceparent is { Length: >= 55 } tp && tp[2] == '-' && tp[35] == '-' && IsHex(tp.AsSpan(3, 32)))
        {
            return tp.Substring(3, 32);
        }

        if (!string.IsNullOrEmpty(cloudTraceContext))
        {
            int slash = cloudTraceContext.IndexOf('/', StringComparison.Ordinal);
            string id = slash < 0 ? cloudTraceContext : cloudTraceContext[..slash];
            int semicolon = id.IndexOf(';', StringComparison.Ordinal);
            id = semicolon < 0 ? id : id[..semicolon];
            return id.Length is > 0 and <= 32 && IsHex(id) ? id : null;
        }

        return null;
    }

    private static bool IsHex(ReadOnlySpan<char> text)
    {
        foreach (char c in text)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
