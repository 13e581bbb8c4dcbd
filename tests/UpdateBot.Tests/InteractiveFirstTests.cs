using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using UpdateBot.Answers;
using UpdateBot.Cards;
using UpdateBot.Digests;
using UpdateBot.Domain;
using UpdateBot.Teams.Connector;
using UpdateBot.Tests.Infrastructure;

namespace UpdateBot.Tests;

/// <summary>
/// Interactive first (issue 8): a turn's replies reach the connector's limiter as interactive, and whatever the bot
/// originates (through the delivery engine, roster reads, corrections of the channel post) as background, even when a
/// turn started it. The limiter's ordering itself is proven in UpdateBot.Teams.Tests (RateLimitTests).
/// </summary>
public sealed class InteractiveFirstTests(AzuriteFixture tables) : IClassFixture<AzuriteFixture>
{
    private const string Ada = "29:ada";
    private const string Bob = "29:bob";
    private static readonly DateTimeOffset ThursdayNoon = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset PublishAt = new(2026, 11, 27, 16, 0, 0, TimeSpan.Zero); // Fri 16:00 London
    private static readonly IsoWeek Week = IsoWeek.Parse("2026-W48");

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

        // The roster read the step starts with is the bot's own work too: nobody is waiting for it.
        var rosterReads = squad.Teams.Requests.Where(r => r.Method == HttpMethod.Get && r.Path.EndsWith("/pagedmembers", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(rosterReads);
        Assert.All(rosterReads, r => Assert.Equal(ConnectorPriority.Background, r.Priority));
    }

    [Fact]
    public async Task A_lead_s_correction_updates_the_channel_post_at_background_priority()
    {
        await using var squad = new TestSquad(tables, "CorrPrio", PublishAt.AddHours(-2));
        var host = squad.StartHost();
        var seeded = await host.SeedSquadAsync(TestSquad.TeamId, TestSquad.People, [TestSquad.Lead], autoPublish: true);
        await host.AnswerBoAndCyAsync(seeded, Week);
        squad.Time.Advance(PublishAt - squad.Time.GetUtcNow());
        await host.TickAsync();
        Assert.Single(squad.Teams.ChannelPosts);
        var digest = await host.InScopeAsync(sp => sp.GetRequiredService<DigestService>().ComposeAsync(seeded, Week, CancellationToken.None));
        var section = digest.Sections.Single(s => s.SectionId == "highlights");
        var hidden = section.Items.Single(i => i.Text == "Cy painted the wall");
        squad.Teams.Clear();

        var (_, body) = await host.InvokeAsync(Activities.Execute(TestSquad.Lead, "Lena Lead", Verbs.DigestHide, new JsonObject
        {
            ["squadId"] = TestSquad.TeamId,
            ["week"] = Week.ToString(),
            ["sectionId"] = section.SectionId,
            ["itemId"] = hidden.ItemId,
            ["basis"] = DigestCards.Fingerprint(hidden.Text),
        }));

        // The lead's own answer is the invoke response; the PUT of the channel's copy queues behind people's turns.
        Assert.Equal(200, body?["statusCode"]?.GetValue<int>());
        var put = Assert.Single(squad.Teams.Requests, r => r.Method == HttpMethod.Put);
        Assert.DoesNotContain("Cy painted the wall", FakeTeams.Text(put.Json), StringComparison.Ordinal);
        Assert.Equal(ConnectorPriority.Background, put.Priority);
    }

    [Fact]
    public async Task A_member_added_event_reads_the_new_member_at_background_priority()
    {
        await using var squad = new TestSquad(tables, "JoinPrio", ThursdayNoon);
        var host = squad.StartHost();
        await host.SeedSquadAsync(TestSquad.TeamId, [(TestSquad.Lead, "Lena Lead"), (Ada, "Ada Lovelace")], [TestSquad.Lead]);
        squad.Teams.Clear();

        host.AssertOk(await host.PostActivityAsync(new JsonObject
        {
            ["type"] = "conversationUpdate",
            ["channelId"] = "msteams",
            ["serviceUrl"] = FakeTeams.ServiceUrl,
            ["timestamp"] = "2026-11-26T12:00:00Z",
            ["from"] = Activities.From(TestSquad.Lead, "Lena Lead"),
            ["recipient"] = new JsonObject { ["id"] = FakeTeams.BotId, ["name"] = "UpdateBot" },
            ["conversation"] = new JsonObject { ["id"] = BotTestHost.ChannelOf(TestSquad.TeamId), ["conversationType"] = "channel", ["tenantId"] = FakeTeams.TenantId },
            ["channelData"] = new JsonObject
            {
                ["eventType"] = "teamMemberAdded",
                ["team"] = new JsonObject { ["id"] = TestSquad.TeamId, ["name"] = "Platform" },
                ["tenant"] = new JsonObject { ["id"] = FakeTeams.TenantId },
            },
            ["membersAdded"] = new JsonArray(new JsonObject { ["id"] = Bob }),
        }));

        var read = Assert.Single(squad.Teams.Requests, r => r.Method == HttpMethod.Get && r.Path.EndsWith("/members/" + Bob, StringComparison.Ordinal));
        Assert.Equal(ConnectorPriority.Background, read.Priority);
        Assert.Contains(await host.Get<UpdateBot.Storage.MemberStore>().ListAsync(TestSquad.TeamId, CancellationToken.None), m => m.UserId == Bob && m.InRoster);
    }
}
