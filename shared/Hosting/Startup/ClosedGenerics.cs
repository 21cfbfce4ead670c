using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Portcullis.Hosting.Startup;

/// <summary>
/// Closed registrations, with factories, for the generic services a function resolves while it starts
/// (options of the host, Kestrel and logging; typed loggers). Without them the container resolves
/// <c>IOptions&lt;T&gt;</c>, <c>ILogger&lt;T&gt;</c> and friends through their open generic
/// registrations: <c>MakeGenericType</c> plus constructor reflection per type, which under Native AOT
/// builds each type at run time. That was the largest single cost of the AOT gateway's start
/// (bench/results/2026-12-03-coldstart-2.md). A closed registration wins over the open one, and a
/// factory needs no reflection; the services behave as the framework's own (same types, lifetimes
/// and option pipeline). A type missing here still works, through the open registration.
/// </summary>
public static class ClosedGenerics
{
    /// <summary>Adds the closed registrations for what every function resolves at start.</summary>
    public static void AddHostDefaults(IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        AddOptions<HostOptions>(services);
        AddOptions<ConsoleLifetimeOptions>(services);
        AddOptions<KestrelServerOptions>(services);
        AddOptions<SocketTransportOptions>(services);
        AddOptions<FormOptions>(services);
        AddOptions<LoggerFilterOptions>(services);
        AddOptions<LoggerFactoryOptions>(services);
        AddOptions<MetricsOptions>(services);
        AddLogger<Microsoft.Extensions.Hosting.Internal.ApplicationLifetime>(services);
    }

    /// <summary>
    /// <c>IOptions&lt;T&gt;</c>, <c>IOptionsMonitor&lt;T&gt;</c>, <c>IOptionsFactory&lt;T&gt;</c> and
    /// <c>IOptionsMonitorCache&lt;T&gt;</c> for <typeparamref name="T"/>, as <c>AddOptions</c> registers them.
    /// </summary>
    public static void AddOptions<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] T>(IServiceCollection services)
        where T : class
    {
        services.TryAddSingleton<IOptions<T>>(sp => new OptionsManager<T>(sp.GetRequiredService<IOptionsFactory<T>>()));
        services.TryAddSingleton<IOptionsMonitor<T>>(sp => new OptionsMonitor<T>(
            sp.GetRequiredService<IOptionsFactory<T>>(),
            sp.GetServices<IOptionsChangeTokenSource<T>>(),
            sp.GetRequiredService<IOptionsMonitorCache<T>>()));
        services.TryAddTransient<IOptionsFactory<T>>(sp => new OptionsFactory<T>(
            sp.GetServices<IConfigureOptions<T>>(),
            sp.GetServices<IPostConfigureOptions<T>>(),
            sp.GetServices<IValidateOptions<T>>()));
        services.TryAddSingleton<IOptionsMonitorCache<T>>(_ => new OptionsCache<T>());
    }

    /// <summary><c>ILogger&lt;T&gt;</c> for <typeparamref name="T"/>.</summary>
    public static void AddLogger<T>(IServiceCollection services) =>
        services.TryAddSingleton<ILogger<T>>(sp => new Logger<T>(sp.GetRequiredService<ILoggerFactory>()));
}
