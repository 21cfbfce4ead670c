using Portcullis.GoogleCloud.Keyrings;

namespace Portcullis.Gateway.Sources;

/// <summary>
/// A document that is re-read every poll and, when its version changed and it parses, swapped
/// into a <see cref="Live{T}"/>. A store that is down, a missing document or one that does not
/// parse keeps the last good value serving (and is logged once, not every poll).
/// </summary>
internal sealed class PolledSource<T>
    where T : class
{
    private readonly Func<CancellationToken, Task<StoredDocument>> _read;
    private readonly Func<string, ParseResult> _parse;
    private readonly ILogger _logger;
    private string? _lastVersion;
    private string? _lastProblem;

    public PolledSource(string what, string location, Func<CancellationToken, Task<StoredDocument>> read, Func<string, ParseResult> parse, ILogger logger)
    {
        What = what;
        Location = location;
        _read = read;
        _parse = parse;
        _logger = logger;
    }

    public string What { get; }

    public string Location { get; }

    public Live<T> Target { get; } = new();

    /// <summary>Reads once; returns the problems when nothing new could be used.</summary>
    public async Task<IReadOnlyList<string>> RefreshAsync(CancellationToken cancellationToken)
    {
        StoredDocument document;
        try
        {
            document = await _read(cancellationToken).ConfigureAwait(false);
        }
        catch (StoreException e)
        {
            return Problem(e.Message, unavailable: true);
        }

        if (document.Content is null)
        {
            return Problem($"{Location} does not exist", unavailable: true);
        }

        if (document.Version == _lastVersion)
        {
            return [];
        }

        _lastVersion = document.Version;

        // Parsing a config or a 100,000-key keyring takes milliseconds to a good part of a second:
        // never on a socket's I/O thread, where the read may have completed (InlineIo).
        await Task.CompletedTask.ConfigureAwait(ConfigureAwaitOptions.ForceYielding);
        ParseResult result = _parse(document.Content);
        if (result.Value is null)
        {
            _lastProblem = null;
            GatewayLog.SourceRejected(_logger, What, Location, string.Join("; ", result.Errors));
            return result.Errors;
        }

        Target.Swap(result.Value);
        _lastProblem = null;
        GatewayLog.SourceLoaded(_logger, What, Location, result.Description);
        return [];
    }

    private string[] Problem(string problem, bool unavailable)
    {
        if (problem != _lastProblem && unavailable)
        {
            GatewayLog.SourceUnavailable(_logger, What, Location, problem);
        }

        _lastProblem = problem;
        _lastVersion = null;
        return [problem];
    }

    /// <summary>A parsed value (or null) with its errors and a short description for the log.</summary>
    public sealed record ParseResult(T? Value, IReadOnlyList<string> Errors, string Description);
}
