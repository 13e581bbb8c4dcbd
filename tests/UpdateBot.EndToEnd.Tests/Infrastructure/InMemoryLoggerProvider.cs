using System.Globalization;
using Microsoft.Extensions.Logging;

namespace UpdateBot.EndToEnd.Tests.Infrastructure;

/// <summary>Keeps the bot's recent log lines in memory so failing tests can show them.</summary>
public sealed class InMemoryLoggerProvider : ILoggerProvider
{
    private const int MaxLines = 3000;
    private readonly Lock gate = new();
    private readonly Queue<string> lines = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (gate)
            {
                return [.. lines];
            }
        }
    }

    public string Tail(int count = 60)
    {
        var all = Lines;
        return all.Count == 0 ? "(no bot log lines)" : string.Join('\n', all.Skip(Math.Max(0, all.Count - count)));
    }

    public void Dispose()
    {
    }

    private void Add(string line)
    {
        lock (gate)
        {
            lines.Enqueue(line);
            while (lines.Count > MaxLines)
            {
                lines.Dequeue();
            }
        }
    }

    private sealed class Logger(InMemoryLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var time = TimeProvider.System.GetUtcNow().ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture);
            var line = $"{time} {Short(logLevel)} {category}: {formatter(state, exception)}";
            if (exception is not null)
            {
                line += "\n" + exception;
            }

            owner.Add(line);
        }

        private static string Short(LogLevel level) => level switch
        {
            LogLevel.Trace => "trce",
            LogLevel.Debug => "dbug",
            LogLevel.Information => "info",
            LogLevel.Warning => "WARN",
            LogLevel.Error => "FAIL",
            LogLevel.Critical => "CRIT",
            _ => "none",
        };
    }
}
