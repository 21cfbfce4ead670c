using Portcullis.Gateway.Sources;
using Portcullis.GoogleCloud.Keyrings;
using Portcullis.GoogleCloud.Storage;
using Portcullis.PolicyEngine.Keys.Sharded;

namespace Portcullis.Gateway.Keys;

/// <summary>
/// The live gs:// keyring of one gateway instance. A refresh is one conditional read of the
/// manifest, plus only the shards a changed manifest names anew; the new index is swapped in whole
/// (requests in flight finish on the one they started with). Refreshes are single-flight: the
/// timer and any number of requests that find the index stale share one. A failed refresh keeps
/// the last good index; with none ever loaded, key checks answer "unavailable" (fail closed).
/// </summary>
internal sealed class StorageKeyring
{
    private readonly StorageKeyringReader _reader;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationToken _stopping;
    private readonly Live<KeyringSnapshot> _live = new();
    private readonly Lock _lock = new();
    private Task _inFlight = Task.CompletedTask;
    private long _lastAttempt;
    private long _lastSuccess;
    private volatile bool _lastAttemptSucceeded = true;
    private string? _lastProblem;

    public StorageKeyring(StorageKeyringReader reader, TimeProvider time, ILogger<StorageKeyring> logger, IHostApplicationLifetime lifetime)
    {
        _reader = reader;
        _time = time;
        _logger = logger;
        _stopping = lifetime.ApplicationStopping;
        _lastAttempt = _lastSuccess = time.GetTimestamp();
    }

    public string Location => _reader.Location.ToString();

    /// <summary>The index to check keys with; null until one has loaded.</summary>
    public KeyIndex? Current => _live.Current?.Index;

    /// <summary>Time since a refresh last reached the store and found the index current (or loaded a new one).</summary>
    public TimeSpan SinceLastSuccess => _time.GetElapsedTime(Interlocked.Read(ref _lastSuccess));

    /// <summary>Time since the latest refresh started.</summary>
    public TimeSpan SinceLastAttempt => _time.GetElapsedTime(Interlocked.Read(ref _lastAttempt));

    /// <summary>Whether the latest finished refresh reached the store (false during an outage).</summary>
    public bool LastAttemptSucceeded => _lastAttemptSucceeded;

    /// <summary>Starts a refresh, or joins the one under way.</summary>
    public Task RefreshAsync()
    {
        lock (_lock)
        {
            if (_inFlight.IsCompleted)
            {
                Interlocked.Exchange(ref _lastAttempt, _time.GetTimestamp());
                _inFlight = Task.Run(RefreshOnceAsync, CancellationToken.None);
            }

            return _inFlight;
        }
    }

    private async Task RefreshOnceAsync()
    {
        try
        {
            KeyringSnapshot? known = _live.Current;
            long started = _time.GetTimestamp();
            KeyringSnapshot? next = await _reader.PollAsync(known?.Generation, _stopping).ConfigureAwait(false);
            _lastProblem = null;
            _lastAttemptSucceeded = true;
            Interlocked.Exchange(ref _lastSuccess, started);
            if (next is null)
            {
                return;
            }

            _live.Swap(next);
            GatewayLog.SourceLoaded(_logger, "keyring", Location,
                $"{next.Index.Count} keys in {next.Manifest.Shards.Count} shards + {next.Manifest.Journal.Count} journal entries (manifest generation {next.Generation})");
        }
        catch (StoreException e)
        {
            _lastAttemptSucceeded = false;
            if (e.Message != _lastProblem)
            {
                GatewayLog.SourceUnavailable(_logger, "keyring", Location, e.Message);
            }

            _lastProblem = e.Message;
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // Shutting down.
        }
        catch (Exception e)
        {
            GatewayLog.PollFailed(_logger, "keyring", Location, e);
        }
    }
}
