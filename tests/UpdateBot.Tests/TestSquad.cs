using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using UpdateBot.Tests.Infrastructure;

namespace UpdateBot.Tests;

/// <summary>A squad, its people and a clock: what most tests start from.</summary>
public sealed class TestSquad : IAsyncDisposable
{
    public const string TeamId = "19:team-platform@thread.tacv2";
    public const string Lead = "29:lead";
    public const string PromptSummarySuffix = "what happened this week?";
    public const string ReminderSummary = "A gentle reminder about this week's update";
    public const string ReviewSummary = "Your weeknote draft is ready to review";

    private readonly List<BotTestHost> hosts = [];

    public TestSquad(AzuriteFixture tables, string prefix, DateTimeOffset start)
    {
        ConnectionString = tables.ConnectionString;
        Prefix = AzuriteFixture.NewPrefix(prefix);
        Time = new FakeTimeProvider(start);
        Teams = new FakeTeams { Clock = Time };
    }

    public static IReadOnlyList<(string Id, string Name)> People { get; } =
    [
        (Lead, "Lena Lead"),
        ("29:ada", "Ada Lovelace"),
        ("29:bo", "Bo Diddley"),
        ("29:cy", "Cy Twombly"),
        ("29:di", "Di Fawcett"),
    ];

    public string ConnectionString { get; }

    public string Prefix { get; }

    public FakeTimeProvider Time { get; }

    public FakeTeams Teams { get; }

    /// <summary>Storage faults shared by every host of this squad (none unless a test adds some).</summary>
    public StorageFaults Storage { get; } = new();

    public BotTestHost StartHost(string name = "host1", IDictionary<string, string?>? extra = null)
    {
        var host = new BotTestHost(ConnectionString, Prefix, Time, Teams, name, extra, Storage);
        hosts.Add(host);
        // Starting the host starts table creation in the background (traffic waits for /readyz in production);
        // the tests wait for it the same way, so nothing races the StorageInitializer.
        host.Get<UpdateBot.Storage.Tables>().EnsureCreatedAsync(CancellationToken.None).GetAwaiter().GetResult();
        host.Get<UpdateBot.Storage.WorkQueues>().EnsureCreatedAsync(CancellationToken.None).GetAwaiter().GetResult();
        return host;
    }

    /// <summary>Card POSTs to a member's 1:1 chat whose summary says what they are.</summary>
    public IReadOnlyList<RecordedRequest> Prompts(string userId) =>
        Teams.SendsTo(userId).Where(r => Summary(r)?.EndsWith(PromptSummarySuffix, StringComparison.Ordinal) == true).ToList();

    public IReadOnlyList<RecordedRequest> Reminders(string userId) =>
        Teams.SendsTo(userId).Where(r => Summary(r) == ReminderSummary).ToList();

    /// <summary>The review desk's cards sent to a lead, in either language (the notification line is in the lead's).</summary>
    public IReadOnlyList<RecordedRequest> Reviews(string userId) =>
        Teams.SendsTo(userId).Where(r => Summary(r) is { } summary && (summary == ReviewSummary || summary == UpdateBot.Localisation.Texts.For(UpdateBot.Domain.Language.Welsh)["Review.Notify"])).ToList();

    /// <summary>The text of the last message the bot sent to the person's 1:1 chat.</summary>
    public string LastTextTo(string userId) => FakeTeams.Text(Teams.SendsTo(userId)[^1].Json);

    public static string? Summary(RecordedRequest request) => request.Json?["summary"]?.GetValue<string>();

    /// <summary>The week a prompt card is for (its submit action's data).</summary>
    public static string? WeekOf(RecordedRequest prompt) => Find(FakeTeams.Card(prompt.Json), "week");

    private static string? Find(JsonNode? node, string key) => node switch
    {
        JsonObject o when o[key] is JsonValue v && v.TryGetValue<string>(out var s) && s.Length > 0 => s,
        JsonObject o => o.Select(p => Find(p.Value, key)).FirstOrDefault(x => x is not null),
        JsonArray a => a.Select(x => Find(x, key)).FirstOrDefault(x => x is not null),
        _ => null,
    };

    /// <summary>Advances the clock to <paramref name="until"/> in steps, ticking after each step.</summary>
    public async Task TickThroughAsync(BotTestHost host, DateTimeOffset until, TimeSpan step)
    {
        while (Time.GetUtcNow() < until)
        {
            var next = Time.GetUtcNow() + step;
            Time.Advance((next > until ? until : next) - Time.GetUtcNow());
            await host.TickAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var host in hosts)
        {
            await host.DisposeAsync();
        }
    }
}
