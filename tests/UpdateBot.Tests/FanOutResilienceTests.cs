using System.Net;
using UpdateBot.Cards;
using UpdateBot.Tests.Infrastructure;

namespace UpdateBot.Tests;

/// <summary>"Exactly one of each" and "No silent drops" for the prompt fan-out.</summary>
public sealed class FanOutResilienceTests(AzuriteFixture tables) : IClassFixture<AzuriteFixture>
{
    private static readonly DateTimeOffset OpenAt = new(2026, 11, 26, 10, 0, 0, TimeSpan.Zero); // Thu 10:00 London

    private static readonly IReadOnlyList<(string Id, string Name)> Roster =
        [.. TestSquad.People, ("29:ed", "Ed Ruscha"), ("29:flo", "Flo Jo"), ("29:gus", "Gus Grissom")];

    [Fact]
    public async Task A_connector_outage_after_some_sends_then_a_new_host_prompts_everyone_exactly_once()
    {
        await using var squad = new TestSquad(tables, "Outage", OpenAt);
        var first = squad.StartHost("first");
        await first.SeedSquadAsync(TestSquad.TeamId, Roster, [TestSquad.Lead]);
        squad.Teams.FailActivitiesAfter = 3;

        await first.TickAsync();
        Assert.Equal(3, Roster.Count(m => squad.Prompts(m.Id).Count == 1));
        await first.DisposeAsync();

        // The connector recovers; a new process (same tables) takes over once the old lease has run out.
        squad.Teams.FailActivitiesAfter = null;
        squad.Time.Advance(TimeSpan.FromMinutes(4));
        var second = squad.StartHost("second");
        await second.TickAsync();
        squad.Time.Advance(TimeSpan.FromMinutes(10));
        await second.TickAsync();

        Assert.All(Roster, m => Assert.Single(squad.Prompts(m.Id)));
        Assert.Equal(Roster.Count - 3, squad.Teams.Requests.Count(r => r.Host == "second" && r.Succeeded && TestSquad.Summary(r)?.EndsWith(TestSquad.PromptSummarySuffix, StringComparison.Ordinal) == true));
    }

    [Fact]
    public async Task A_crash_in_the_middle_of_a_fan_out_never_duplicates_and_nobody_is_dropped_silently()
    {
        await using var squad = new TestSquad(tables, "Crash", OpenAt);
        var first = squad.StartHost("first");
        await first.SeedSquadAsync(TestSquad.TeamId, Roster, [TestSquad.Lead]);
        using var crash = new CancellationTokenSource();
        squad.Teams.OnActivityPost = attempt =>
        {
            if (attempt >= 4)
            {
                // The process dies: this send and every one still in flight never leave.
                crash.Cancel();
                throw new OperationCanceledException(crash.Token);
            }
        };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first.TickAsync(crash.Token));
        squad.Teams.OnActivityPost = null;
        await first.DisposeAsync();
        var sentBeforeCrash = Roster.Where(m => squad.Prompts(m.Id).Count == 1).Select(m => m.Id).ToList();
        Assert.InRange(sentBeforeCrash.Count, 1, Roster.Count - 1);

        // Back as soon as the lease allows, then again later.
        squad.Time.Advance(TimeSpan.FromMinutes(4));
        var second = squad.StartHost("second");
        await second.TickAsync();
        squad.Time.Advance(TimeSpan.FromMinutes(10));
        await second.TickAsync();
        squad.Time.Advance(TimeSpan.FromMinutes(10));
        await second.TickAsync();

        Assert.All(Roster, m => Assert.InRange(squad.Prompts(m.Id).Count, 0, 1));
        var unprompted = Roster.Where(m => squad.Prompts(m.Id).Count == 0).ToList();

        // Whoever was not prompted is shown to the lead, with the reason (not "pending" as if all were well).
        squad.Teams.Clear();
        var reply = await second.PostActivityAsync(Activities.PersonalMessage(TestSquad.Lead, "Lena Lead", "status"));
        Assert.Equal(HttpStatusCode.OK, reply.StatusCode);
        var status = Assert.Single(squad.Teams.SendsTo(TestSquad.Lead));
        var text = FakeTeams.Text(status.Json);
        Assert.Contains(StatusCards.StatusTitle, text);
        foreach (var member in unprompted)
        {
            var line = text.Split('\n').SkipWhile(l => !l.Contains(member.Name, StringComparison.Ordinal)).Take(4);
            Assert.True(line.Any(l => l.Contains("unconfirmed", StringComparison.OrdinalIgnoreCase)), $"{member.Name} was not prompted and the lead is not told why:\n{text}");
        }
    }

    [Fact]
    public async Task Two_instances_ticking_at_the_same_instant_send_through_one_only()
    {
        await using var squad = new TestSquad(tables, "Twins", OpenAt);
        var a = squad.StartHost("a");
        var b = squad.StartHost("b");
        await a.SeedSquadAsync(TestSquad.TeamId, Roster, [TestSquad.Lead]);

        var ran = await Task.WhenAll(Task.Run(() => a.TickAsync()), Task.Run(() => b.TickAsync()));

        Assert.All(Roster, m => Assert.Single(squad.Prompts(m.Id)));
        Assert.Single(ran, steps => steps > 0); // the other instance did not even look at the squads
        var callers = squad.Teams.Requests.Select(r => r.Host).Distinct().ToList();
        Assert.Single(callers); // not even a roster read from the instance without the lease

        // And again later: the lease holder renews; still nobody gets a second prompt.
        squad.Time.Advance(TimeSpan.FromMinutes(1));
        await Task.WhenAll(Task.Run(() => a.TickAsync()), Task.Run(() => b.TickAsync()));
        Assert.All(Roster, m => Assert.Single(squad.Prompts(m.Id)));
    }

    [Fact]
    public async Task Unreachable_members_are_recorded_with_the_reason_shown_to_the_lead_and_not_retried_while_throttled_ones_are_delivered_once()
    {
        await using var squad = new TestSquad(tables, "Reach", OpenAt);
        var host = squad.StartHost();
        await host.SeedSquadAsync(TestSquad.TeamId, Roster, [TestSquad.Lead]);
        squad.Teams.Behave("29:bo", new UserBehaviour(HttpStatusCode.Forbidden, "ConversationBlockedByUser"));
        squad.Teams.Behave("29:cy", new UserBehaviour(HttpStatusCode.Forbidden, "BotNotInConversationRoster"));
        squad.Teams.Behave("29:di", new UserBehaviour(HttpStatusCode.TooManyRequests, Times: 1, RetryAfterSeconds: 120));
        squad.Teams.Behave("29:ed", new UserBehaviour(HttpStatusCode.NotFound, "ConversationNotFound"));

        // The first tick meets the 403s, the 404 and the 429 (whose shared back-off may hold back other sends, in
        // whatever order the fan-out runs); later ticks of the same step retry only what is worth retrying.
        await host.TickAsync();
        Assert.Empty(squad.Prompts("29:di"));
        for (var i = 0; i < 4; i++)
        {
            squad.Time.Advance(TimeSpan.FromMinutes(3));
            await host.TickAsync();
        }

        Assert.Single(squad.Prompts("29:di"));
        foreach (var unreachable in new[] { "29:bo", "29:cy", "29:ed" })
        {
            // Reached Teams once, answered 403/404, never tried again in this step.
            Assert.Single(squad.Teams.Requests, r => r.Body.Contains(unreachable, StringComparison.Ordinal) || r.Path.Contains(unreachable, StringComparison.Ordinal));
        }

        Assert.Empty(squad.Prompts("29:bo"));
        Assert.Empty(squad.Prompts("29:cy"));
        Assert.Empty(squad.Prompts("29:ed"));
        Assert.All(Roster.Where(m => m.Id is not "29:bo" and not "29:cy" and not "29:ed"), m => Assert.Single(squad.Prompts(m.Id)));

        squad.Teams.Clear();
        await host.PostActivityAsync(Activities.PersonalMessage(TestSquad.Lead, "Lena Lead", "status"));
        var text = FakeTeams.Text(Assert.Single(squad.Teams.SendsTo(TestSquad.Lead)).Json);
        Assert.Contains("Bo Diddley", text);
        Assert.Contains("They have blocked or muted the bot.", text);
        Assert.Contains("Ask them to unblock UpdateBot", text);
        Assert.Contains("Cy Twombly", text);
        Assert.Contains("The app is not installed for them.", text);
        Assert.Contains("Ed Ruscha", text);
        Assert.Contains("Teams says the chat no longer exists", text);
        Assert.Contains("Unreachable", text);
    }
}
