using System.Collections.Frozen;
using Portcullis.PolicyEngine.Routing;

namespace Portcullis.PolicyEngine.Policy;

/// <summary>
/// A compiled API config: immutable, built once per config version and swapped atomically.
/// Everything the gateway needs per request is precomputed here.
/// </summary>
public sealed class ApiPolicy
{
    /// <summary>Creates a policy; the compiler is the only caller.</summary>
    public ApiPolicy(
        string configId,
        string title,
        string serviceName,
        IReadOnlyList<ApiOperation> operations,
        IReadOnlyList<ApiOperation> generatedOperations,
        IReadOnlyList<KeyLocation> keyLocations,
        bool allowAll,
        bool allowCors,
        IReadOnlyList<QuotaLimit>? quotaLimits = null)
    {
        QuotaLimits = quotaLimits ?? [];
        ConfigId = configId;
        Title = title;
        ServiceName = serviceName;
        Operations = operations;
        GeneratedOperations = generatedOperations;
        AllowAll = allowAll;
        AllowCors = allowCors;
        Routes = new RouteTable(operations.Concat(generatedOperations));

        var locations = keyLocations.Concat(operations.SelectMany(o => o.KeyLocations)).Distinct().ToList();
        KeyQueryNames = locations.Where(l => l.Kind == KeyLocationKind.Query).Select(l => l.Name).ToFrozenSet(StringComparer.Ordinal);
        IsKeyQueryName = Filter(KeyQueryNames);
        JwtProviders = [.. operations.SelectMany(o => o.Authentication.Providers).Distinct()];

        // A JWT in the query (access_token) is a credential too: never written to a log line.
        IEnumerable<string> tokenQueryNames = JwtProviders.SelectMany(p => p.Locations).Where(l => l.Kind == KeyLocationKind.Query).Select(l => l.Name);
        MayCarryKey = Filter(KeyQueryNames.Union(s_defaultKeyQueryNames).Union(tokenQueryNames).Append("access_token").ToFrozenSet(StringComparer.Ordinal));
        KeyHeaderNames = [.. locations.Where(l => l.Kind == KeyLocationKind.Header).Select(l => l.Name).Distinct(StringComparer.OrdinalIgnoreCase)];
    }

    /// <summary>Hash of the config's content: the same text always has the same id.</summary>
    public string ConfigId { get; }

    /// <summary><c>info.title</c>.</summary>
    public string Title { get; }

    /// <summary>The managed service name (Swagger <c>host</c>; OpenAPI 3 endpoint server host).</summary>
    public string ServiceName { get; }

    /// <summary>The operations written in the config.</summary>
    public IReadOnlyList<ApiOperation> Operations { get; }

    /// <summary>Operations the gateway adds: <c>x-google-allow: all</c> catch-alls and CORS <c>OPTIONS</c> routes.</summary>
    public IReadOnlyList<ApiOperation> GeneratedOperations { get; }

    /// <summary><c>x-google-allow: all</c>.</summary>
    public bool AllowAll { get; }

    /// <summary><c>x-google-endpoints[].allowCors</c>.</summary>
    public bool AllowCors { get; }

    /// <summary>Quota limits (per consumer per minute).</summary>
    public IReadOnlyList<QuotaLimit> QuotaLimits { get; }

    /// <summary>The route table.</summary>
    public RouteTable Routes { get; }

    /// <summary>Every query parameter that is an API-key location anywhere in this API; removed before forwarding.</summary>
    public FrozenSet<string> KeyQueryNames { get; }

    private static readonly FrozenSet<string> s_defaultKeyQueryNames =
        KeyLocation.Defaults.Where(l => l.Kind == KeyLocationKind.Query).Select(l => l.Name).ToFrozenSet(StringComparer.Ordinal);

    /// <summary>The query names of ESPv2's default key locations (<see cref="KeyLocation.Defaults"/>) as a filter.</summary>
    public static Func<ReadOnlySpan<char>, bool> MayCarryKeyByDefault { get; } = Filter(s_defaultKeyQueryNames);

    /// <summary><see cref="KeyQueryNames"/> as a filter for <see cref="Http.QueryString.Remove"/>: made once, looked up without allocating.</summary>
    public Func<ReadOnlySpan<char>, bool> IsKeyQueryName { get; }

    /// <summary>
    /// Query names that may carry an API key or a JWT: this API's and ESPv2's defaults (<c>key</c>,
    /// <c>api_key</c>, <c>access_token</c>), whatever the config says; stripped from every URL that is logged.
    /// </summary>
    public Func<ReadOnlySpan<char>, bool> MayCarryKey { get; }

    /// <summary>Every JWT provider some operation requires, once each: their keys are fetched when the config loads.</summary>
    public IReadOnlyList<JwtProvider> JwtProviders { get; }

    /// <summary>Every header that is an API-key location anywhere in this API; removed before forwarding.</summary>
    public IReadOnlyList<string> KeyHeaderNames { get; }

    private static Func<ReadOnlySpan<char>, bool> Filter(FrozenSet<string> names)
    {
        FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> lookup = names.GetAlternateLookup<ReadOnlySpan<char>>();
        return name => lookup.Contains(name);
    }
}
