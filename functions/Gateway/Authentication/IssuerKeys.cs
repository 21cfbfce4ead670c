using System.Text.Json;
using Portcullis.PolicyEngine.Policy;

namespace Portcullis.Gateway.Authentication;

/// <summary>
/// The keys of one JWKS URL (or discovery document): the last good set, kept when a refresh
/// fails (keys from a background fetch never expire, as in Envoy), and fetches coalesced so
/// that concurrent requests cause one GET.
/// </summary>
internal sealed class IssuerKeys(JwtProvider provider, HttpClient http, TimeProvider time, ILogger logger)
{
    private readonly SemaphoreSlim _fetching = new(1, 1);
    private volatile KeySet? _current;
    private volatile Task<KeySet?>? _fetch;
    private Uri? _jwksUri = provider.JwksUri;
    private long _lastAttemptTicks = long.MinValue;
    private long _lastSuccessTicks = long.MinValue;
    private long _lastKidRefetchTicks = long.MinValue;
    private bool _failing;

    public KeySet? Current => _current;

    /// <summary>A fetch under way (the one started at load, or any other), for a request to join; null when none is.</summary>
    public Task<KeySet?>? Fetching => _fetch is { IsCompleted: false } fetch ? fetch : null;

    public DateTimeOffset LastAttempt => Ticks(Interlocked.Read(ref _lastAttemptTicks));

    public DateTimeOffset LastSuccess => Ticks(Interlocked.Read(ref _lastSuccessTicks));

    /// <summary>Claims the right to an unknown-<c>kid</c> refetch: at most one per <paramref name="interval"/>.</summary>
    public bool TryClaimKidRefetch(TimeSpan interval)
    {
        long now = time.GetUtcNow().UtcTicks;
        long last = Interlocked.Read(ref _lastKidRefetchTicks);
        return (last == long.MinValue || now - last >= interval.Ticks)
            && Interlocked.CompareExchange(ref _lastKidRefetchTicks, now, last) == last;
    }

    /// <summary>
    /// Fetches the keys unless another caller's fetch finished while this one waited; returns the
    /// current set (the last good one when this fetch failed).
    /// </summary>
    public Task<KeySet?> RefreshAsync(string consequence, CancellationToken cancellationToken)
    {
        Task<KeySet?> fetch = RefreshOnceAsync(consequence, cancellationToken);
        _fetch = fetch;
        return fetch;
    }

    private async Task<KeySet?> RefreshOnceAsync(string consequence, CancellationToken cancellationToken)
    {
        long started = time.GetUtcNow().UtcTicks;
        await _fetching.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Interlocked.Read(ref _lastAttemptTicks) is var last && last != long.MinValue && last >= started)
            {
                return _current;
            }

            Interlocked.Exchange(ref _lastAttemptTicks, time.GetUtcNow().UtcTicks);
            string url = (_jwksUri ?? provider.DiscoveryUri)!.ToString();

            // The fetch serves every waiting request: one caller going away does not cancel it (it has its own timeout).
            CancellationToken fetch = CancellationToken.None;
            try
            {
                _jwksUri ??= await DiscoverAsync(fetch).ConfigureAwait(false);
                url = _jwksUri.ToString();
                string body = await GetAsync(_jwksUri, fetch).ConfigureAwait(false);
                KeySet keys = KeySet.TryParse(body) ?? throw new InvalidDataException("the document is neither a JWKS nor an x509 certificate map with a usable key");
                _current = keys;
                Interlocked.Exchange(ref _lastSuccessTicks, time.GetUtcNow().UtcTicks);
                _failing = false;
                GatewayLog.JwksLoaded(logger, keys.Keys.Count, provider.Issuer, url);
            }
            catch (Exception e) when (e is HttpRequestException or InvalidDataException or TaskCanceledException or JsonException)
            {
                // A warning when the issuer starts failing; the retries of an outage are not news.
                GatewayLog.JwksFailed(logger, _failing ? LogLevel.Debug : LogLevel.Warning, provider.Issuer, url, e.Message, _current is null ? consequence : "keeping the last good keys");
                _failing = true;
            }

            return _current;
        }
        finally
        {
            _fetching.Release();
        }
    }

    private async Task<Uri> DiscoverAsync(CancellationToken cancellationToken)
    {
        // OpenID Connect Discovery 1.0 §4; ESPv2 resolves it once (url_util.go ResolveJwksUriUsingOpenID).
        string body = await GetAsync(provider.DiscoveryUri!, cancellationToken).ConfigureAwait(false);
        using JsonDocument document = JsonDocument.Parse(body);
        return document.RootElement.ValueKind == JsonValueKind.Object
            && document.RootElement.TryGetProperty("jwks_uri", out JsonElement jwks)
            && jwks.ValueKind == JsonValueKind.String
            && Uri.TryCreate(jwks.GetString(), UriKind.Absolute, out Uri? uri)
            && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
            ? uri
            : throw new InvalidDataException($"the OpenID configuration at {provider.DiscoveryUri} has no usable jwks_uri");
    }

    private async Task<string> GetAsync(Uri url, CancellationToken cancellationToken)
    {
        using HttpResponseMessage response = await http.GetAsync(url, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"{url} answered {(int)response.StatusCode}");
        }

        return await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
    }

    private static DateTimeOffset Ticks(long ticks) => ticks == long.MinValue ? DateTimeOffset.MinValue : new DateTimeOffset(ticks, TimeSpan.Zero);
}
