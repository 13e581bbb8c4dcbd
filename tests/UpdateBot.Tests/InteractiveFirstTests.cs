using UpdateBot.Teams.Connector;
using UpdateBot.Tests.Infrastructure;

namespace UpdateBot.Tests;

/// <summary>
/// Interactive first (issue 8): a turn's replies reach the connector's limiter as interactive, and whatever the bot
/// originates through the delivery engine as background, even when a turn started it. The limiter's ordering itself is
/// proven in UpdateBot.Teams.Tests (RateLimitTests).
/// </summary>
public sealed class InteractiveFirstTests(AzuriteFixture tables) : IClassFixture<AzuriteFixture>
{
    private const string Ada = "29:ada";
    private const string Bob = "29:bob";
    private static readonly DateTimeOffset ThursdayNoon = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_reply_inside_a_turn_is_interactive_and_the_prompts_a_turn_starts_are_background()
    {
        await using var squad = new TestSquad(tables, "Priority", ThursdayNoon);
        var host = squad.StartHost();
        await host.SeedSquadAsync(TestSquad.TeamId, [(TestSquad.Lead, "Lena Lead"), (Ada, "Ada Lovelace"), (Bob, "Bob Babbage")], [TestSquad.Lead]);
        squad.Teams.Clear();

        host.AssertOk(await host.PostActivityAsync(Activities.PersonalMessage(TestSquad.Lead, "Lena Lead", "help")));
        var help = Assert.Single(squad.Teams.Requests);
        Assert.Equal(ConnectorPriority.Interactive, help.Priority);

        squad.Teams.Clear();
        host.AssertOk(await host.PostActivityAsync(Activities.PersonalMessage(TestSquad.Lead, "Lena Lead", "prompt now")));

        var prompts = squad.Teams.Requests.Where(r => r.Path.Contains(FakeTeams.PersonalConversationId(Ada), StringComparison.Ordinal)
            || r.Path.Contains(FakeTeams.PersonalConversationId(Bob), StringComparison.Ordinal)
            || (r.Path == "/v3/conversations" && r.Body.Contains("\"isGroup\":false", StringComparison.Ordinal))).ToList();
        Assert.NotEmpty(prompts);
        Assert.All(prompts, r => Assert.Equal(ConnectorPriority.Background, r.Priority));
        var report = Assert.Single(squad.Teams.Requests, r => r.Body.Contains("Prompts for", StringComparison.Ordinal));
        Assert.Equal(ConnectorPriority.Interactive, report.Priority);
    }
}
