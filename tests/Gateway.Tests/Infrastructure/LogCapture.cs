using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Portcullis.Gateway.Tests.Infrastructure;

/// <summary>
/// A real logger provider that keeps every entry of every category and level, with its state,
/// scopes and exception, both structured and flattened to one searchable <see cref="Entry.Text"/>.
/// </summary>
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

    /// <summary>
    /// One log entry: category, level, message, structured state, the scopes it was written in, the
    /// exception text, and <paramref name="Text"/>: all of it in one string (category first), as
    /// it was when logged.
    /// </summary>
    internal sealed record Entry(
        string Category,
        LogLevel Level,
        int EventId,
        string Message,
        IReadOnlyList<KeyValuePair<string, object?>> State,
        IReadOnlyList<object?> Scopes,
        string? Exception,
        string Text)
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
            string message = formatter(state, exception);
            var scopes = new List<object?>();
            owner._scopes.ForEachScope((scope, list) => list.Add(scope), scopes);
            IReadOnlyList<KeyValuePair<string, object?>> pairs = state as IReadOnlyList<KeyValuePair<string, object?>> ?? [];

            var text = new StringBuilder();
            text.Append(category).Append(' ').Append(logLevel).Append(' ').Append(eventId.Id).Append(' ').Append(eventId.Name)
                .Append(": ").Append(message);
            AppendValues(text, state);
            foreach (object? scope in scopes)
            {
                AppendValues(text, scope);
            }

            if (exception is not null)
            {
                text.Append(" | ").Append(exception);
            }

            owner._entries.Enqueue(new Entry(category, logLevel, eventId.Id, message, [.. pairs], scopes, exception?.ToString(), text.ToString()));
        }

        private static void AppendValues(StringBuilder text, object? state)
        {
            text.Append(" | ").Append(state);
            if (state is IEnumerable<KeyValuePair<string, object?>> values)
            {
                foreach (KeyValuePair<string, object?> value in values)
                {
                    text.Append(" | ").Append(value.Key).Append('=').Append(value.Value);
                }
            }
        }
    }
}
