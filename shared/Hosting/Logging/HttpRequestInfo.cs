using System.Globalization;

namespace Portcullis.Hosting.Logging;

/// <summary>
/// Cloud Logging's <c>httpRequest</c> object
/// (https://cloud.google.com/logging/docs/reference/v2/rest/v2/LogEntry#HttpRequest). A log
/// event that carries one as a structured value gets it written as <c>httpRequest</c>, which the
/// Logs Explorer shows as a request line.
/// </summary>
public sealed record HttpRequestInfo(
    string RequestMethod,
    string RequestUrl,
    int Status,
    TimeSpan Latency,
    string? RemoteIp,
    string? UserAgent,
    string? Referer,
    string Protocol,
    long? ResponseSize)
{
    /// <summary>Characters <see cref="TryFormatSummary"/> needs besides the method and URL.</summary>
    internal const int SummaryOverhead = 48;

    /// <summary>Short text for plain-text consoles: <c>GET /things 200 1.234 ms</c>.</summary>
    public override string ToString()
    {
        var text = new char[RequestMethod.Length + RequestUrl.Length + SummaryOverhead];
        return TryFormatSummary(text, out int written) ? new string(text, 0, written) : string.Empty;
    }

    /// <summary>
    /// Writes the <see cref="ToString"/> text into <paramref name="destination"/> without
    /// allocating (the request line's <c>message</c>, once per request): integer arithmetic on the
    /// latency's ticks, no floating-point formatting.
    /// </summary>
    internal bool TryFormatSummary(Span<char> destination, out int written)
    {
        written = 0;
        // Microseconds, rounded: "12.500 ms".
        long micros = (Math.Max(0, Latency.Ticks) + (TimeSpan.TicksPerMicrosecond / 2)) / TimeSpan.TicksPerMicrosecond;
        if (!Append(destination, ref written, RequestMethod) || !Append(destination, ref written, " ")
            || !Append(destination, ref written, RequestUrl) || !Append(destination, ref written, " ")
            || !Status.TryFormat(destination[written..], out int n, provider: CultureInfo.InvariantCulture))
        {
            return false;
        }

        written += n;
        if (!Append(destination, ref written, " ")
            || !(micros / 1000).TryFormat(destination[written..], out n, provider: CultureInfo.InvariantCulture))
        {
            return false;
        }

        written += n;
        if (!Append(destination, ref written, ".")
            || !(micros % 1000).TryFormat(destination[written..], out n, "D3", CultureInfo.InvariantCulture))
        {
            return false;
        }

        written += n;
        return Append(destination, ref written, " ms");
    }

    /// <summary>
    /// The latency as a protobuf Duration in JSON (seconds, fractional digits without trailing
    /// zeros, then <c>s</c>: <c>0.0125s</c>), from the ticks: no floating-point formatting.
    /// </summary>
    internal bool TryFormatLatency(Span<char> destination, out int written)
    {
        written = 0;
        long ticks = Math.Max(0, Latency.Ticks);
        if (!(ticks / TimeSpan.TicksPerSecond).TryFormat(destination, out written, provider: CultureInfo.InvariantCulture))
        {
            return false;
        }

        long fraction = ticks % TimeSpan.TicksPerSecond;
        if (fraction != 0)
        {
            // Seven digits of 100 ns ticks, trailing zeros dropped.
            if (destination.Length < written + 9)
            {
                return false;
            }

            destination[written++] = '.';
            fraction.TryFormat(destination[written..], out int digits, "D7", CultureInfo.InvariantCulture);
            written += digits;
            while (destination[written - 1] == '0')
            {
                written--;
            }
        }

        if (destination.Length <= written)
        {
            return false;
        }

        destination[written++] = 's';
        return true;
    }

    private static bool Append(Span<char> destination, ref int written, string text)
    {
        if (!text.AsSpan().TryCopyTo(destination[written..]))
        {
            return false;
        }

        written += text.Length;
        return true;
    }
}
