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
    /// <summary>Short text for plain-text consoles.</summary>
    public override string ToString() =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{RequestMethod} {RequestUrl} {Status} {Latency.TotalMilliseconds:F3} ms");
}
