using Microsoft.Extensions.Options;

namespace Portcullis.Gateway;

/// <summary>
/// Keeps the framework log category that prints the request line off, whatever the logging
/// configuration says: the request line carries <c>?key=</c> (STYLE.md: never log a raw key).
/// ASP.NET Core's <c>Request starting … /v1/things?key=…</c> lines are the leak this closes.
/// </summary>
internal static class KeySafeLogging
{
    // "Request starting/finished HTTP/1.1 GET http://host/v1/things?key=…" at Information.
    private static readonly string[] s_requestLineCategories = ["Microsoft.AspNetCore.Hosting.Diagnostics"];

    /// <summary>
    /// Adds, after every other configuration (appsettings, environment, <c>AddFilter</c>), a
    /// <c>None</c> rule for the request-line category, for all providers and for each provider any
    /// rule names, so a more specific rule (provider-specific or a category prefix) cannot win over it.
    /// </summary>
    public static IServiceCollection AddKeySafeLogging(this IServiceCollection services)
    {
        services.AddSingleton<IPostConfigureOptions<LoggerFilterOptions>, SuppressRequestLines>();
        return services;
    }

    private sealed class SuppressRequestLines : IPostConfigureOptions<LoggerFilterOptions>
    {
        public void PostConfigure(string? name, LoggerFilterOptions options)
        {
            var providers = new HashSet<string?>(StringComparer.Ordinal) { null };
            foreach (LoggerFilterRule rule in options.Rules)
            {
                providers.Add(rule.ProviderName);
            }

            foreach (string? provider in providers)
            {
                foreach (string category in s_requestLineCategories)
                {
                    options.Rules.Add(new LoggerFilterRule(provider, category, LogLevel.None, null));
                }
            }
        }
    }
}
