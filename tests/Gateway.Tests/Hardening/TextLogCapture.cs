using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Portcullis.Gateway.Tests.Hardening;

/// <summary>
/// A real <see cref="ILoggerProvider"/> that flattens every entry to one searchable string: category, level, event,
/// the formatted message, every structured value, every scope and the full exception.
/// </summary>
internal sealed class TextLogCapture : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<string> _entries = new();
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public IReadOnlyList<string> Entries => [.. _entries];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
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

    private sealed class Logger(TextLogCapture owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => owner._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var text = new StringBuilder();
            text.Append(category).Append(' ').Append(logLevel).Append(' ').Append(eventId.Id).Append(' ').Append(eventId.Name)
                .Append(": ").Append(formatter(state, exception));
            AppendValues(text, state);
            owner._scopes.ForEachScope(static (scope, t) => AppendValues(t, scope), text);
            if (exception is not null)
            {
                text.Append(" | ").Append(exception);
            }

            owner._entries.Enqueue(text.ToString());
        }
    }
}
