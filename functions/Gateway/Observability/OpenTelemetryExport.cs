using System.Runtime.CompilerServices;
using OpenTelemetry.Metrics;

namespace Portcullis.Gateway.Observability;

/// <summary>
/// OTLP export of the gateway's metrics, on only when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set
/// (the exporter reads the standard <c>OTEL_*</c> variables: protocol, headers, interval). Kept in
/// its own method so the OpenTelemetry assemblies are not even loaded otherwise.
/// </summary>
internal static class OpenTelemetryExport
{
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void Add(IServiceCollection services) =>
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(RequestTelemetry.MeterName)
            .AddOtlpExporter());
}
