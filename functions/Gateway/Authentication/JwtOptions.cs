using System.Globalization;

namespace Portcullis.Gateway.Authentication;

/// <summary>
/// Caller-JWT settings: <c>PORTCULLIS_JWKS_REFRESH_SECONDS</c> (how often issuers' keys are
/// refetched; ESPv2's <c>--jwks_cache_duration_in_s</c>, default 300) and
/// <c>PORTCULLIS_JWT_CACHE_SIZE</c> (verified tokens kept; ESPv2's <c>--jwt_cache_size</c>, default 1000 per provider; 0 turns it off).
/// </summary>
internal sealed record JwtOptions
{
    public TimeSpan RefreshInterval { get; init; } = TimeSpan.FromSeconds(300);

    /// <summary>How soon a failed fetch is retried while it matters.</summary>
    public TimeSpan RetryInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>At most one unknown-<c>kid</c> refetch per issuer in this time.</summary>
    public TimeSpan KidRefetchInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>ESPv2's <c>--http_request_timeout_s</c>.</summary>
    public TimeSpan FetchTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Verified tokens kept per provider (0: no cache).</summary>
    public int CacheSize { get; init; } = 1000;

    public static JwtOptions FromConfiguration(IConfiguration config)
    {
        var options = new JwtOptions();
        if (config["PORTCULLIS_JWKS_REFRESH_SECONDS"] is { Length: > 0 } refresh)
        {
            if (!double.TryParse(refresh, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) || seconds <= 0)
            {
                throw new InvalidOperationException($"PORTCULLIS_JWKS_REFRESH_SECONDS must be a positive number, not '{refresh}'.");
            }

            options = options with { RefreshInterval = TimeSpan.FromSeconds(seconds), RetryInterval = TimeSpan.FromSeconds(Math.Min(seconds, 5)) };
        }

        if (config["PORTCULLIS_JWT_CACHE_SIZE"] is { Length: > 0 } size)
        {
            if (!int.TryParse(size, NumberStyles.None, CultureInfo.InvariantCulture, out int entries))
            {
                throw new InvalidOperationException($"PORTCULLIS_JWT_CACHE_SIZE must be a whole number (0 turns the cache off), not '{size}'.");
            }

            options = options with { CacheSize = entries };
        }

        return options;
    }
}
