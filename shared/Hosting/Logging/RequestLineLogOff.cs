using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Portcullis.Hosting.Logging;

/// <summary>
/// Keeps ASP.NET Core's request-line log category off, whatever the logging configuration says.
/// Its <c>Request starting … /v1/things?key=…</c> lines carry the raw key (STYLE.md: never log
/// one), and any enabled logger on it makes ASP.NET Core start an <c>Activity</c> per request (and
/// HttpClient a child one, with traceparent injection): about 5% of the gateway's CPU. The
/// functions write their own request lines. Runs after every other configuration (appsettings,
/// environment, <c>AddFilter</c>), with a <c>None</c> rule for all providers and for each provider
/// any rule names, so no more specific rule can win over it.
/// </summary>
internal sealed class RequestLineLogOff : IPostConfigureOptions<LoggerFilterOptions>
{
    /// <summary>"Request starting/finished HTTP/1.1 GET http://host/v1/things?key=…" at Information.</summary>
    public const string Category = "Microsoft.AspNetCore.Hosting.Diagnostics";

    public void PostConfigure(string? name, LoggerFilterOptions options)
    {
        var providers = new HashSet<string?>(StringComparer.Ordinal) { null };
        foreach (LoggerFilterRule rule in options.Rules)
        {
            providers.Add(rule.ProviderName);
        }

        foreach (string? provider in providers)
        {
            options.Rules.Add(new LoggerFilterRule(provider, Category, LogLevel.None, null));
        }
    }
}
