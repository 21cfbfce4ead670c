using System.Security.Cryptography;
using System.Text;

namespace Portcullis.Gateway.Sources;

/// <summary>
/// A file that is re-read every poll interval and, when its content changed and parses, swapped
/// into a <see cref="Live{T}"/>. A missing, unreadable or invalid file keeps the last good value.
/// </summary>
internal sealed class PolledFile<T>
    where T : class
{
    private readonly string _path;
    private readonly Func<string, ParseResult> _parse;
    private readonly ILogger _logger;
    private string? _lastHash;

    public PolledFile(string what, string path, Live<T> target, Func<string, ParseResult> parse, ILogger logger)
    {
        What = what;
        _path = path;
        Target = target;
        _parse = parse;
        _logger = logger;
    }

    public string What { get; }

    public Live<T> Target { get; }

    /// <summary>Reads the file; returns the errors when it could not be used (nothing is swapped then).</summary>
    public IReadOnlyList<string> Refresh()
    {
        string content;
        try
        {
            content = File.ReadAllText(_path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            string error = $"cannot read {What} '{_path}': {e.Message}";
            if (_lastHash != "unreadable")
            {
                GatewayLog.SourceUnavailable(_logger, What, _path, e.Message);
                _lastHash = "unreadable";
            }

            return [error];
        }

        string hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(content)));
        if (hash == _lastHash)
        {
            return [];
        }

        _lastHash = hash;
        ParseResult result = _parse(content);
        if (result.Value is null)
        {
            GatewayLog.SourceRejected(_logger, What, _path, string.Join("; ", result.Errors));
            return result.Errors;
        }

        Target.Swap(result.Value);
        GatewayLog.SourceLoaded(_logger, What, _path, result.Description);
        return [];
    }

    /// <summary>A parsed value (or null) with its errors and a short description for the log.</summary>
    public sealed record ParseResult(T? Value, IReadOnlyList<string> Errors, string Description);
}
