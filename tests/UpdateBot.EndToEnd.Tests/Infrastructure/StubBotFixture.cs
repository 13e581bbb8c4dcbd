using UpdateBot.EndToEnd.Tests.Driver;

namespace UpdateBot.EndToEnd.Tests.Infrastructure;

/// <summary>The Playground pointed at <see cref="StubBot"/>: proves the harness works whatever state the service is in.</summary>
public sealed class StubBotFixture : IAsyncLifetime
{
    public PlaygroundMockData MockData { get; } = new();

    public StubBot Bot { get; private set; } = null!;

    public AgentsPlayground Playground { get; private set; } = null!;

    public PlaygroundDriver Driver { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        using var startup = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        Bot = await StubBot.StartAsync();
        Playground = await AgentsPlayground.StartAsync(Bot.MessagesEndpoint, MockData, startup.Token);
        Driver = await PlaygroundDriver.ConnectAsync(Playground.BaseAddress, startup.Token);
        Driver.FailureContext = () => Playground.LogTail();
    }

    public Task DisposeAsync() => AsyncDisposables.DisposeInOrderAsync(Driver, Playground, Bot);
}
