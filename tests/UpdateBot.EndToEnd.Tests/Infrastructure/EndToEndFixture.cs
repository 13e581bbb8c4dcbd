using System.Globalization;
using System.Text;
using UpdateBot.EndToEnd.Tests.Driver;

namespace UpdateBot.EndToEnd.Tests.Infrastructure;

/// <summary>
/// The real bot, Azurite tables and the Agents Playground, wired together:
/// (a) Azurite from <c>UPDATEBOT_TEST_TABLES</c> and <c>UPDATEBOT_TEST_QUEUES</c>, or an in-memory <c>azurite-table</c> and <c>azurite-queue</c>;
/// (b) <c>src/UpdateBot</c> in-process on Kestrel on a free loopback port (Development, anonymous loopback,
///     <c>Cycle:Enabled=false</c>, a table prefix unique to this fixture);
/// (c) the Playground (mock tenant from <see cref="PlaygroundMockData"/>) pointed at the bot;
/// (d) a connected <see cref="PlaygroundDriver"/> whose failure messages include the bot's and the Playground's logs.
/// Use it as a class fixture (fresh bot, Playground and tables per test class: the default in this project) or as a
/// collection fixture via <see cref="EndToEndCollection"/>.
/// </summary>
public sealed class EndToEndFixture : IAsyncLifetime
{
    private AzuriteStorage? tables;

    public PlaygroundMockData MockData { get; } = new();

    /// <summary>Unique per fixture: letters and digits only (Azure table names).</summary>
    public string TablePrefix { get; } = "e2e" + Guid.NewGuid().ToString("N")[..10];

    public UpdateBotHost Bot { get; private set; } = null!;

    /// <summary>The bot's clock: real time until a test moves it on (<see cref="ShiftedClock.Advance"/>).</summary>
    public ShiftedClock Clock { get; } = new();

    public AgentsPlayground Playground { get; private set; } = null!;

    public PlaygroundDriver Driver { get; private set; } = null!;

    public string TablesConnectionString => tables?.ConnectionString ?? string.Empty;

    public async Task InitializeAsync()
    {
        using var startup = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        tables = await AzuriteStorage.AcquireAsync(startup.Token);
        Bot = UpdateBotHost.Start(UpdateBotHost.DefaultSettings(tables.ConnectionString, TablePrefix), Clock);
        Playground = await AgentsPlayground.StartAsync(Bot.MessagesEndpoint, MockData, startup.Token);
        Driver = await PlaygroundDriver.ConnectAsync(Playground.BaseAddress, startup.Token);
        Driver.FailureContext = Diagnostics;
    }

    /// <summary>Bot log tail, Playground log tail and where things ran: append to any assertion message.</summary>
    public string Diagnostics()
    {
        var text = new StringBuilder();
        text.Append("\n=== bot (").Append(Bot?.BaseAddress).Append(", table prefix ").Append(TablePrefix).Append(") log tail ===\n");
        text.Append(Bot?.Logs.Tail() ?? "(bot not started)").Append('\n');
        text.Append("=== Playground (").Append(Playground?.BaseAddress).Append(") ===\n");
        text.Append(Playground?.LogTail() ?? "(Playground not started)").Append('\n');
        return text.ToString();
    }

    /// <summary>Validates cards with tools/cards/validate-cards.mjs and fails with every error plus diagnostics.</summary>
    public async Task AssertCardsValidAsync(IEnumerable<PlaygroundMessage> messages)
    {
        var cards = messages
            .SelectMany(m => m.AdaptiveCards.Select((card, i) => (Name: $"msg{m.Sequence.ToString(CultureInfo.InvariantCulture)}-{i.ToString(CultureInfo.InvariantCulture)}-{CardText.Title(card)}", Card: card)))
            .ToList();
        await UpdateBot.TestSupport.AdaptiveCardValidator.AssertValidAsync(cards.Select(c => (c.Name, c.Card.GetRawText())));
    }

    public Task DisposeAsync() => AsyncDisposables.DisposeInOrderAsync(Driver, Playground, Bot, tables);
}

/// <summary>Share one <see cref="EndToEndFixture"/> between several test classes: <c>[Collection(EndToEndCollection.Name)]</c>.</summary>
[CollectionDefinition(Name)]
public sealed class EndToEndCollection : ICollectionFixture<EndToEndFixture>
{
    public const string Name = "UpdateBot end-to-end";
}
