using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace UpdateBot.Teams.Tests;

internal sealed class CapturingLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<(LogLevel Level, string Category, string Message)> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new CapturingLogger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class CapturingLogger(CapturingLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            provider.Entries.Enqueue((logLevel, category, formatter(state, exception)));
    }
}

public sealed class StartupTests
{
    [Fact]
    public async Task Development_mode_warns_loudly_at_start_up()
    {
        var logs = new CapturingLoggerProvider();
        await using var host = await BotHost.StartAsync(Settings.Development(), services => services.AddSingleton<ILoggerProvider>(logs));

        Assert.Contains(logs.Entries, e => e.Level == LogLevel.Warning && e.Message.StartsWith("AUTHENTICATION DISABLED", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Start_up_fails_without_an_app_id_or_development_mode()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => BotHost.StartAsync([]));

        Assert.Contains("Bot:AppId is not configured", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Message_text_is_never_logged_above_trace()
    {
        var logs = new CapturingLoggerProvider();
        await using var host = await BotHost.StartAsync(Settings.Development(), services => services.AddSingleton<ILoggerProvider>(logs));
        host.Log.Before = _ => throw new InvalidOperationException("handler failure");

        using var response = await host.Client.PostAsync("/api/messages", new StringContent(ActivityRoundTripTests.Load("personal-message.json"), System.Text.Encoding.UTF8, "application/json"));

        Assert.Contains(logs.Entries, e => e.Level == LogLevel.Error);
        Assert.DoesNotContain(logs.Entries, e => e.Level > LogLevel.Trace && e.Message.Contains("billing page", StringComparison.Ordinal));
    }
}
