using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Portcullis.Gateway.Keys;
using Portcullis.GoogleCloud.ServiceControl;
using Portcullis.PolicyEngine.Keys;
using Portcullis.PolicyEngine.Policy;
using Portcullis.PolicyEngine.ServiceControl;

namespace Portcullis.Gateway.ServiceControl;

/// <summary>
/// Google API keys checked with Service Control <c>:check</c>, as ESPv2 does, with a better cache:
/// keyed like ESPv2 (operation, key, restriction labels) but by a SHA-256 of those, so no raw key
/// sits in memory; positive and negative answers kept; an entry older than
/// <see cref="RefreshAfter"/> is refreshed in the background while it keeps serving (so a key
/// revoked in the console is refused within about a minute, not ESPv2's five); concurrent
/// requests for the same uncached key share one call; during an outage the cached answer keeps
/// serving; the cache is bounded in entries.
/// </summary>
internal sealed class ServiceControlKeySource(
    ServiceControlClient client,
    GatewayOptions options,
    Portcullis.Gateway.Sources.GatewaySources sources,
    TimeProvider time,
    ILogger<ServiceControlKeySource> logger) : IKeySource
{
    /// <summary>Refresh an answer this old on its next use (a revoked key is refused within a minute).</summary>
    public static readonly TimeSpan RefreshAfter = TimeSpan.FromSeconds(30);

    /// <summary>Never serve an answer older than this (ESPv2's expiration).</summary>
    public static readonly TimeSpan ExpireAfter = TimeSpan.FromHours(1);

    /// <summary>ESPv2's check cache size.</summary>
    public const int MaxEntries = 10_000;

    private static readonly TimeSpan s_retryRefreshAfter = TimeSpan.FromSeconds(5);
    private readonly ConcurrentDictionary<string, Entry> _cache = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Task<CheckResult>> _inflight = new(StringComparer.Ordinal);

    public int CachedEntries => _cache.Count;

    public async ValueTask<KeySourceResult> CheckAsync(string key, ApiOperation operation, HttpContext context, CancellationToken cancellationToken)
    {
        string service = sources.ServiceName;
        CheckRequest request = Describe(key, operation, context, service);
        string cacheKey = CacheKey(request);
        DateTimeOffset now = time.GetUtcNow();
        CheckResult result;
        if (_cache.TryGetValue(cacheKey, out Entry? entry) && now - entry.FetchedAt < ExpireAfter)
        {
            if (now >= entry.RefreshAt)
            {
                entry.RefreshAt = now + s_retryRefreshAfter;
                _ = RefreshAsync(cacheKey, service, request);
            }

            result = entry.Result;
        }
        else
        {
            // Shared by every concurrent request for this key; not cancelled by any one caller.
            result = await SharedCheckAsync(cacheKey, service, request).WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        return Decide(result, service);
    }

    private KeySourceResult Decide(CheckResult result, string service)
    {
        switch (result.Outcome)
        {
            case CheckOutcome.Valid:
                return new KeySourceResult(new KeyCheck(KeyVerdict.Valid, null), ConsumerType: result.ConsumerType, ConsumerNumber: result.ConsumerNumber, Verified: true);
            case CheckOutcome.CheckError:
                (int status, string message) = CheckErrorMapping.Map(result.ErrorCode!, service, out bool unavailable);
                if (unavailable && options.FailOpen)
                {
                    return new KeySourceResult(new KeyCheck(KeyVerdict.Valid, null));
                }

                // ESPv2's key state: API_KEY_* → INVALID, SERVICE_NOT_ACTIVATED → NOT ENABLED, anything else → VERIFIED.
                bool verified = result.ErrorCode != "SERVICE_NOT_ACTIVATED" && !result.ErrorCode!.StartsWith("API_KEY", StringComparison.Ordinal);
                return new KeySourceResult(new KeyCheck(KeyVerdict.Unknown, null), status, message, Verified: verified);
            case CheckOutcome.Unavailable:
                GatewayLog.ServiceControlUnavailable(logger, options.FailOpen ? "open" : "closed", result.Message ?? "");
                return options.FailOpen
                    ? new KeySourceResult(new KeyCheck(KeyVerdict.Valid, null))
                    : new KeySourceResult(new KeyCheck(KeyVerdict.Unavailable, null), 503, "UNAVAILABLE: " + result.Message);
            default:
                GatewayLog.ServiceControlFailed(logger, result.Message ?? "");
                return new KeySourceResult(new KeyCheck(KeyVerdict.Unavailable, null), 500, "INTERNAL: " + result.Message);
        }
    }

    private Task<CheckResult> SharedCheckAsync(string cacheKey, string service, CheckRequest request)
    {
        var created = new TaskCompletionSource<CheckResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        Task<CheckResult> shared = _inflight.GetOrAdd(cacheKey, created.Task);
        if (shared == created.Task)
        {
            _ = RunCheckAsync(cacheKey, service, request, created);
        }

        return shared;
    }

    private async Task RunCheckAsync(string cacheKey, string service, CheckRequest request, TaskCompletionSource<CheckResult> completion)
    {
        try
        {
            CheckResult result = await client.CheckAsync(service, request, CancellationToken.None).ConfigureAwait(false);
            Store(cacheKey, result);
            completion.SetResult(result);
        }
        catch (Exception e)
        {
            completion.SetResult(new CheckResult(CheckOutcome.Failed, Message: "Failed to call service control: " + e.Message));
        }
        finally
        {
            _inflight.TryRemove(new KeyValuePair<string, Task<CheckResult>>(cacheKey, completion.Task));
        }
    }

    private async Task RefreshAsync(string cacheKey, string service, CheckRequest request)
    {
        // Failures keep the cached answer (Service Control's advice: rely on the cache during outages).
        await SharedCheckAsync(cacheKey, service, request).ConfigureAwait(false);
    }

    private void Store(string cacheKey, CheckResult result)
    {
        if (!result.IsCacheable)
        {
            return;
        }

        DateTimeOffset now = time.GetUtcNow();
        _cache[cacheKey] = new Entry(result, now) { RefreshAt = now + RefreshAfter };
        if (_cache.Count > MaxEntries)
        {
            // Over the bound: drop the oldest tenth. Rare, and O(n) only then.
            foreach (KeyValuePair<string, Entry> old in _cache.OrderBy(kv => kv.Value.FetchedAt).Take(MaxEntries / 10).ToList())
            {
                _cache.TryRemove(old);
            }
        }
    }

    private CheckRequest Describe(string key, ApiOperation operation, HttpContext context, string service)
    {
        IHeaderDictionary headers = context.Request.Headers;
        return new CheckRequest(
            CheckErrorMapping.Selector(service, operation.OperationId),
            key,
            ClientAddress.Resolve(headers["X-Forwarded-For"], context.Connection.RemoteIpAddress, options.TrustedHops)?.ToString(),
            headers.Referer.Count > 0 ? headers.Referer[0] : null,
            headers["X-Android-Package"].Count > 0 ? headers["X-Android-Package"][0] : null,
            headers["X-Android-Cert"].Count > 0 ? headers["X-Android-Cert"][0] : null,
            headers["X-Ios-Bundle-Identifier"].Count > 0 ? headers["X-Ios-Bundle-Identifier"][0] : null);
    }

    private static string CacheKey(CheckRequest request)
    {
        string material = string.Join('\n', request.OperationName, request.ApiKey, request.CallerIp, request.Referer, request.AndroidPackage, request.AndroidCert, request.IosBundle);
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(material)));
    }

    private sealed class Entry(CheckResult result, DateTimeOffset fetchedAt)
    {
        public CheckResult Result { get; } = result;

        public DateTimeOffset FetchedAt { get; } = fetchedAt;

        public DateTimeOffset RefreshAt { get; set; }
    }
}
