using System.Globalization;
using Portcullis.PolicyEngine.Quotas;
using StackExchange.Redis;

namespace Portcullis.Gateway.Quotas;

/// <summary>
/// Quota counted in Redis (Memorystore): one atomic round trip per call, a Lua script that checks
/// every counter of the call and increments them all only if none would pass its limit, so N
/// instances together admit exactly the limit. When Redis does not answer within
/// <see cref="Timeout"/> the call is counted per instance instead (logged), so a Redis outage
/// never stalls requests.
/// </summary>
internal sealed class RedisQuotaCounter : IQuotaCounter, IDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromMilliseconds(150);

    // KEYS: counters; ARGV: cost1, allowed1, cost2, allowed2, …, ttl-ms.
    // Returns {0, count1, count2, …} when taken, {i, current_i} when counter i would go over.
    private const string Script = """
        local n = #KEYS
        for i = 1, n do
          local current = tonumber(redis.call('GET', KEYS[i]) or '0')
          if current + tonumber(ARGV[2 * i - 1]) > tonumber(ARGV[2 * i]) then
            return {i, current}
          end
        end
        local result = {0}
        for i = 1, n do
          local value = redis.call('INCRBY', KEYS[i], ARGV[2 * i - 1])
          if value == tonumber(ARGV[2 * i - 1]) then
            redis.call('PEXPIRE', KEYS[i], ARGV[2 * n + 1])
          end
          result[i + 1] = value
        end
        return result
        """;

    // Connected in the background: a synchronous connect held the gateway's start (and its listener)
    // for up to ConnectTimeout when Redis was slow or away. Until it is up, requests count per instance.
    private readonly Task<ConnectionMultiplexer> _redis;
    private readonly InstanceQuotaCounter _fallback = new();
    private readonly ILogger<RedisQuotaCounter> _logger;
    private long _lastWarningTicks;

    public RedisQuotaCounter(string endpoint, ILogger<RedisQuotaCounter> logger)
    {
        _logger = logger;
        var options = ConfigurationOptions.Parse(endpoint);
        options.AbortOnConnectFail = false;
        options.ConnectTimeout = 1000;
        options.AsyncTimeout = 500;
        options.SyncTimeout = 500;
        options.ConnectRetry = 1;
        _redis = ConnectionMultiplexer.ConnectAsync(options);
    }

    public long Fallbacks { get; private set; }

    public async ValueTask<QuotaDecision> ConsumeAsync(QuotaCharge[] charges, DateTimeOffset now, string operation, CancellationToken cancellationToken)
    {
        DateTimeOffset start = QuotaPlan.WindowStart(now);
        TimeSpan reset = start + QuotaPlan.Window - now;
        var keys = new RedisKey[charges.Length];
        var values = new RedisValue[charges.Length * 2 + 1];
        for (int i = 0; i < charges.Length; i++)
        {
            // The {scope} hash tag keeps a call's counters in one slot (Redis Cluster needs that for a script).
            keys[i] = $"ptc:q:{{{charges[i].Scope}}}:{charges[i].Limit.Name}:{start.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)}";
            values[2 * i] = charges[i].Cost;
            values[2 * i + 1] = charges[i].Allowed;
        }

        values[^1] = (long)(QuotaPlan.Window + TimeSpan.FromSeconds(10)).TotalMilliseconds;
        RedisResult result;
        try
        {
            ConnectionMultiplexer redis = _redis.IsCompletedSuccessfully
                ? _redis.Result
                : await _redis.WaitAsync(Timeout, cancellationToken).ConfigureAwait(false);
            result = await redis.GetDatabase().ScriptEvaluateAsync(Script, keys, values).WaitAsync(Timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            Fallbacks++;
            WarnOnce(e.Message);
            return await _fallback.ConsumeAsync(charges, now, operation, cancellationToken).ConfigureAwait(false);
        }

        var answer = (RedisResult[])result!;
        int over = (int)answer[0];
        if (over > 0)
        {
            QuotaCharge charge = charges[over - 1];
            return new QuotaDecision(false, charge, charge.Allowed, Math.Max(0, charge.Allowed - (long)answer[1]), reset);
        }

        long limit = long.MaxValue;
        long remaining = long.MaxValue;
        for (int i = 0; i < charges.Length; i++)
        {
            long left = charges[i].Allowed - (long)answer[i + 1];
            if (left < remaining)
            {
                remaining = left;
                limit = charges[i].Allowed;
            }
        }

        return new QuotaDecision(true, null, limit, remaining, reset);
    }

    public void Dispose()
    {
        if (_redis.IsCompletedSuccessfully)
        {
            _redis.Result.Dispose();
        }
        else
        {
            _ = _redis.ContinueWith(t => t.Result.Dispose(), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
        }
    }

    private void WarnOnce(string reason)
    {
        long now = Environment.TickCount64;
        if (now - Interlocked.Read(ref _lastWarningTicks) > 30_000)
        {
            Interlocked.Exchange(ref _lastWarningTicks, now);
            GatewayLog.RedisFallback(_logger, reason);
        }
    }
}
