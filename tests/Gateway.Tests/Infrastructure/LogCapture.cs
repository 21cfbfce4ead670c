using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Portcullis.Gateway.Tests.Infrastructure;

/// <summary>A logger provider that keeps every entry of every category and level, with its state, scopes and exception.</summary>
internal sealed class LogCapture : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<Entry> _entries = new();
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public IReadOnlyList<Entry> Entries => [.. _entries];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    /// <summary>One log entry: category, level, message, structured state, the scopes it was written in, and the exception text.</summary>
    internal sealed record Entry(
        string Category,
        LogLevel Level,
        int EventId,
        string Message,
        IReadOnlyList<KeyValuePair<string, object?>> State,
        IReadOnlyList<object?> Scopes,
        string? Exception)
    {
        public object? this[string name] => State.FirstOrDefault(p => p.Key == name).Value;
    }

    private sealed class Logger(LogCapture owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => owner._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var scopes = new List<object?>();
            owner._scopes.ForEachScope((scope, list) => list.Add(scope), scopes);
            IReadOnlyList<KeyValuePair<string, object?>> pairs = state as IReadOnlyList<KeyValuePair<string, object?>> ?? [];
            owner._entries.Enqueue(new Entry(category, logLevel, eventId.Id, formatter(state, exception), [.. pairs], scopes, exception?.ToString()));
        }
    }
}
