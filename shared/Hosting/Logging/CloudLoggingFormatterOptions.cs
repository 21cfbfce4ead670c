using Microsoft.Extensions.Logging.Console;

namespace Portcullis.Hosting.Logging;

/// <summary>Options of <see cref="CloudLoggingFormatter"/>.</summary>
public sealed class CloudLoggingFormatterOptions : ConsoleFormatterOptions
{
    /// <summary>Project id used to build <c>projects/P/traces/T</c>; without it the bare trace id is written.</summary>
    public string? ProjectId { get; set; }
}
