using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Http.Features;
using Portcullis.Gateway.ServiceControl;
using Portcullis.Gateway.Sources;
using Portcullis.Hosting.Logging;
using Portcullis.PolicyEngine.Keys;
using Portcullis.PolicyEngine.Policy;
using QueryString = Portcullis.PolicyEngine.Http.QueryString;

namespace Portcullis.Gateway.Observability;

/// <summary>
/// Wraps every request: the trace scope (so every log line of the request carries
/// <c>logging.googleapis.com/trace</c>), one request log line at the end (Cloud Logging's
/// <c>httpRequest</c> with the URL stripped of every API-key parameter; INFO, WARNING for 4xx,
/// ERROR for 5xx; category <c>Portcullis.Gateway.Requests</c>), the request metrics, and the
/// Service Control usage record.
/// </summary>
internal sealed class RequestTelemetry
{
    /// <summary>The meter's name, for an OpenTelemetry <c>AddMeter</c> or a <see cref="MeterListener"/>.</summary>
    public const string MeterName = "Portcullis.Gateway";

    /// <summary>The log category of the request lines.</summary>
    public const string LogCategory = "Portcullis.Gateway.Requests";

    private const string UnknownOperation = "<Unknown Operation Name>";

    private readonly GatewaySources _sources;
    private readonly GatewayOptions _options;
    private readonly UsageReporter? _reporter;
    private readonly ILogger _logger;
    private readonly Counter<long> _requests;
    private readonly Histogram<double> _duration;

    public RequestTelemetry(GatewaySources sources, GatewayOptions options, IMeterFactory meters, ILoggerFactory loggers, UsageReporter? reporter)
    {
        _sources = sources;
        _options = options;
        _reporter = reporter;
        _logger = loggers.CreateLogger(LogCategory);
        Meter = meters.Create(MeterName);
        _requests = Meter.CreateCounter<long>("portcullis.gateway.requests", "{request}", "Requests answered, by operation, consumer and status code.");
        _duration = Meter.CreateHistogram<double>(
            "portcullis.gateway.request.duration",
            "s",
            "Time from the request's arrival to the end of its response, by operation and consumer.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] });
    }

    /// <summary>This gateway's meter.</summary>
    public Meter Meter { get; }

    /// <summary>
    /// Runs <paramref name="handler"/> for the request inside its trace scope and writes the request
    /// line when it ends. The handler is called directly with the request's facts (no middleware
    /// step, no feature lookup).
    /// </summary>
    public async Task InvokeAsync(HttpContext context, Func<HttpContext, RequestFacts, ValueTask> handler)
    {
        long start = Stopwatch.GetTimestamp();
        var facts = new RequestFacts();
        string? traceId = TraceScope.ParseTraceId(context.Request.Headers.TraceParent, context.Request.Headers["X-Cloud-Trace-Context"]);
        using IDisposable? scope = traceId is null ? null : _logger.BeginScope(new TraceState(traceId));
        bool failed = true;
        try
        {
            await handler(context, facts).ConfigureAwait(false);
            failed = false;
        }
        finally
        {
            // An exception the pipeline did not handle becomes Kestrel's 500.
            int status = failed && !context.Response.HasStarted ? 500 : context.Response.StatusCode;
            Complete(context, facts, status, Stopwatch.GetElapsedTime(start));
        }
    }

    private void Complete(HttpContext context, RequestFacts facts, int status, TimeSpan elapsed)
    {
        string operation = facts.OperationId ?? UnknownOperation;
        string consumer = facts.Consumer ?? "anonymous";
        if (_requests.Enabled)
        {
            _requests.Add(1, new("operation", operation), new("consumer", consumer), new("http.response.status_code", status));
        }

        if (_duration.Enabled)
        {
            _duration.Record(elapsed.TotalSeconds, new("operation", operation), new("consumer", consumer));
        }

        // Every request is reported, 401/404/405 included (ESPv2 does the same).
        _reporter?.Record(
            facts.OperationId is null ? UnknownOperation : PolicyEngine.ServiceControl.CheckErrorMapping.Selector(_sources.ServiceName, facts.OperationId),
            facts.ServiceControlConsumer,
            status,
            facts.ServiceControlConsumer is null && facts.Jwt is { } jwt ? Authentication.JwtCredential.Id(jwt.Claims) : null);

        LogLevel level = status >= 500 ? LogLevel.Error : status >= 400 ? LogLevel.Warning : LogLevel.Information;
        if (_logger.IsEnabled(level))
        {
            GatewayLog.Request(_logger, level, Describe(context, status, elapsed), operation, consumer, facts.KeyId ?? "", _sources.Config.Target.Current?.ConfigId ?? "");
        }
    }

    private HttpRequestInfo Describe(HttpContext context, int status, TimeSpan elapsed)
    {
        HttpRequest request = context.Request;
        return new HttpRequestInfo(
            request.Method,
            SafeUrl(context.Features.GetRequiredFeature<IHttpRequestFeature>().RawTarget, _sources.Config.Target.Current),
            status,
            elapsed,
            ClientAddress.Resolve(request.Headers["X-Forwarded-For"], context.Connection.RemoteIpAddress, _options.TrustedHops)?.ToString(),
            request.Headers.UserAgent is { Count: > 0 } agent ? agent.ToString() : null,
            request.Headers.Referer is { Count: > 0 } referer ? WithoutQuery(referer.ToString()) : null,
            request.Protocol,
            context.Response.ContentLength);
    }

    /// <summary>The request target with every API-key query parameter removed (this API's and the default <c>key</c> and <c>api_key</c>).</summary>
    internal static string SafeUrl(string rawTarget, ApiPolicy? policy) =>
        QueryString.RemoveFromTarget(rawTarget, policy?.MayCarryKey ?? ApiPolicy.MayCarryKeyByDefault);

    // A referring page's own query may hold a key (a browser app that put it in its URL).
    private static string WithoutQuery(string url)
    {
        int cut = url.AsSpan().IndexOfAny('?', '#');
        return cut < 0 ? url : url[..cut];
    }

    /// <summary>The trace scope's state: one pair, no dictionary.</summary>
    private sealed class TraceState(string traceId) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        public int Count => 1;

        public KeyValuePair<string, object?> this[int index] => index == 0 ? new(TraceScope.Key, traceId) : throw new ArgumentOutOfRangeException(nameof(index));

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
        {
            yield return this[0];
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => $"{TraceScope.Key}:{traceId}";
    }
}
