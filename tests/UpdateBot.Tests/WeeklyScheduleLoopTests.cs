using System.Net;
using System.Text.Json.Nodes;
using UpdateBot.Cards;
using UpdateBot.Domain;
using UpdateBot.Storage;
using UpdateBot.Tests.Infrastructure;

namespace UpdateBot.Tests;

/// <summary>The weekly loop driven tick by tick on a fake clock, against real tables (issue 3 "Scheduler").</summary>
public sealed class WeeklyScheduleLoopTests(AzuriteFixture tables) : IClassFixture<AzuriteFixture>
{
    private static readonly TimeSpan HalfHour = TimeSpan.FromMinutes(30);

    [Fact]
    public async Task Without_auto_publish_the_lead_gets_one_reminder_to_publish_and_nothing_is_posted()
    {
        await using var squad = new TestSquad(tables, "Review", new DateTimeOffset(2026, 11, 27, 13, 0, 0, TimeSpan.Zero));
        var host = squad.StartHost();
        await host.SeedSquadAsync(TestSquad.TeamId, TestSquad.People, [TestSquad.Lead], autoPublish: false);
        const string reminder = "The weeknote is waiting for you to publish it";
        var publishAt = new DateTimeOffset(2026, 11, 27, 16, 0, 0, TimeSpan.Zero); // Fri 16:00 GMT

        await squad.TickThroughAsync(host, publishAt - HalfHour, HalfHour);
        Assert.DoesNotContain(squad.Teams.SendsTo(TestSquad.Lead), r => TestSquad.Summary(r) == reminder);
        await squad.TickThroughAsync(host, new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero), HalfHour);

        var reminders = squad.Teams.SendsTo(TestSquad.Lead).Where(r => TestSquad.Summary(r) == reminder).ToList();
        Assert.Equal(publishAt, Assert.Single(reminders).At);
        Assert.Contains(Verbs.DigestPublish, FakeTeams.Card(reminders[0].Json)!.ToJsonString(), StringComparison.Ordinal);
        Assert.All(TestSquad.People.Where(p => p.Id != TestSquad.Lead), p =>
            Assert.DoesNotContain(squad.Teams.SendsTo(p.Id), r => TestSquad.Summary(r) == reminder));
        Assert.Empty(squad.Teams.ChannelPosts);
    }

    [Fact]
    public async Task A_week_in_London_prompts_everyone_once_reminds_only_the_silent_sends_the_review_and_posts_once()
    {
        await using var squad = new TestSquad(tables, "Week", new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
        var host = squad.StartHost();
        await host.SeedSquadAsync(TestSquad.TeamId, TestSquad.People, [TestSquad.Lead], autoPublish: true);
        var people = TestSquad.People.Select(p => p.Id).ToList();
        var openAt = new DateTimeOffset(2026, 11, 26, 10, 0, 0, TimeSpan.Zero); // Thu 10:00 GMT

        await squad.TickThroughAsync(host, openAt - HalfHour, HalfHour);
        Assert.All(people, id => Assert.Empty(squad.Prompts(id)));

        await squad.TickThroughAsync(host, openAt, HalfHour);
        foreach (var id in people)
        {
            var prompt = Assert.Single(squad.Prompts(id));
            Assert.Equal(openAt, prompt.At);
            Assert.Equal("2026-W48", TestSquad.WeekOf(prompt));
        }

        // Cy answers through the card; Di says quiet week.
        var (status, body) = await host.InvokeAsync(Activities.Execute("29:cy", "Cy Twombly", Verbs.PromptSubmit,
            new JsonObject { ["squadId"] = TestSquad.TeamId, ["week"] = "2026-W48", ["s_highlights"] = "Shipped the roster sync" }));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(200, body?["statusCode"]?.GetValue<int>());
        (status, _) = await host.InvokeAsync(Activities.Execute("29:di", "Di Fawcett", Verbs.PromptQuiet,
            new JsonObject { ["squadId"] = TestSquad.TeamId, ["week"] = "2026-W48" }));
        Assert.Equal(HttpStatusCode.OK, status);

        var remindAt = new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero);
        await squad.TickThroughAsync(host, remindAt - HalfHour, HalfHour);
        Assert.All(people, id => Assert.Empty(squad.Reminders(id)));
        await squad.TickThroughAsync(host, remindAt, HalfHour);
        foreach (var id in new[] { TestSquad.Lead, "29:ada", "29:bo" })
        {
            Assert.Equal(remindAt, Assert.Single(squad.Reminders(id)).At);
        }

        Assert.Empty(squad.Reminders("29:cy"));
        Assert.Empty(squad.Reminders("29:di"));

        var compileAt = new DateTimeOffset(2026, 11, 27, 14, 0, 0, TimeSpan.Zero);
        await squad.TickThroughAsync(host, compileAt - HalfHour, HalfHour);
        Assert.Empty(squad.Reviews(TestSquad.Lead));
        await squad.TickThroughAsync(host, compileAt, HalfHour);
        var reviews = squad.Reviews(TestSquad.Lead);
        Assert.NotEmpty(reviews);
        Assert.All(reviews, r => Assert.Equal(compileAt, r.At));
        Assert.Contains("Shipped the roster sync", string.Concat(reviews.Select(r => FakeTeams.Text(r.Json))));
        Assert.All(people.Where(id => id != TestSquad.Lead), id => Assert.Empty(squad.Reviews(id)));

        var publishAt = new DateTimeOffset(2026, 11, 27, 16, 0, 0, TimeSpan.Zero);
        await squad.TickThroughAsync(host, publishAt - HalfHour, HalfHour);
        Assert.Empty(squad.Teams.ChannelPosts);
        await squad.TickThroughAsync(host, publishAt, HalfHour);
        var post = Assert.Single(squad.Teams.ChannelPosts);
        Assert.Equal(publishAt, post.At);
        Assert.Contains("Shipped the roster sync", FakeTeams.Text(post.Json));

        // The rest of the week (and the weekend): nothing more is sent.
        var before = squad.Teams.Requests.Count(r => r.Method != HttpMethod.Get);
        await squad.TickThroughAsync(host, new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero), HalfHour);
        Assert.Equal(before, squad.Teams.Requests.Count(r => r.Method != HttpMethod.Get));
        Assert.All(people, id => Assert.Single(squad.Prompts(id)));
        Assert.Single(squad.Teams.ChannelPosts);
    }

    public static TheoryData<string, string, int, string, int> ClockChanges => new()
    {
        // zone, first Thursday (before the change) and the UTC hour of 10:00 local, then the Thursday after.
        { "Europe/London", "2026-03-26", 10, "2026-04-02", 9 },
        { "Europe/London", "2026-10-22", 9, "2026-10-29", 10 },
        { "America/New_York", "2026-03-05", 15, "2026-03-12", 14 },
        { "America/New_York", "2026-10-29", 14, "2026-11-05", 15 },
    };

    [Theory]
    [MemberData(nameof(ClockChanges))]
    public async Task Prompts_fire_at_ten_local_on_both_sides_of_a_clock_change(string zone, string before, int beforeUtcHour, string after, int afterUtcHour)
    {
        var first = DateOnly.Parse(before, System.Globalization.CultureInfo.InvariantCulture);
        var second = DateOnly.Parse(after, System.Globalization.CultureInfo.InvariantCulture);
        await using var squad = new TestSquad(tables, "Dst", At(first.AddDays(-1), 0));
        var host = squad.StartHost();
        await host.SeedSquadAsync(TestSquad.TeamId, TestSquad.People.Take(2).ToList(), [TestSquad.Lead], timeZone: zone, autoPublish: false);

        await squad.TickThroughAsync(host, At(first, 23), TimeSpan.FromHours(1));
        squad.Time.Advance(At(second.AddDays(-1), 0) - squad.Time.GetUtcNow());
        await squad.TickThroughAsync(host, At(second, 23), TimeSpan.FromHours(1));

        var prompts = squad.Prompts("29:ada");
        Assert.Equal([At(first, beforeUtcHour), At(second, afterUtcHour)], prompts.Select(p => p.At).ToArray());
        Assert.Equal<string?>([IsoWeek.FromDate(first).ToString(), IsoWeek.FromDate(second).ToString()], prompts.Select(TestSquad.WeekOf).ToList());
    }

    [Fact]
    public async Task Week_53_and_the_year_boundary_run_each_week_once_with_its_own_edition()
    {
        await using var squad = new TestSquad(tables, "W53", new DateTimeOffset(2026, 12, 30, 0, 0, 0, TimeSpan.Zero));
        var host = squad.StartHost();
        await host.SeedSquadAsync(TestSquad.TeamId, TestSquad.People.Take(2).ToList(), [TestSquad.Lead], autoPublish: true);

        await squad.TickThroughAsync(host, new DateTimeOffset(2027, 1, 8, 18, 0, 0, TimeSpan.Zero), TimeSpan.FromHours(1));

        var prompts = squad.Prompts("29:ada");
        Assert.Equal([new DateTimeOffset(2026, 12, 31, 10, 0, 0, TimeSpan.Zero), new DateTimeOffset(2027, 1, 7, 10, 0, 0, TimeSpan.Zero)], prompts.Select(p => p.At).ToArray());
        Assert.Equal<string?>(["2026-W53", "2027-W01"], prompts.Select(TestSquad.WeekOf).ToList());
        Assert.Equal([new DateTimeOffset(2027, 1, 1, 16, 0, 0, TimeSpan.Zero), new DateTimeOffset(2027, 1, 8, 16, 0, 0, TimeSpan.Zero)], squad.Teams.ChannelPosts.Select(p => p.At).ToArray());

        var editions = host.Get<EditionStore>();
        Assert.Equal(1, (await editions.GetAsync(TestSquad.TeamId, IsoWeek.Parse("2026-W53"), CancellationToken.None))?.Edition);
        Assert.Equal(2, (await editions.GetAsync(TestSquad.TeamId, IsoWeek.Parse("2027-W01"), CancellationToken.None))?.Edition);
    }

    [Theory]
    [InlineData(3, 1)]
    [InlineData(72, 0)]
    public async Task After_an_outage_a_missed_prompt_goes_once_inside_the_catch_up_window_and_never_for_long_gone_steps(int hoursDown, int expectedPrompts)
    {
        await using var squad = new TestSquad(tables, "CatchUp", new DateTimeOffset(2026, 11, 26, 9, 0, 0, TimeSpan.Zero));
        var host = squad.StartHost();
        await host.SeedSquadAsync(TestSquad.TeamId, TestSquad.People.Take(2).ToList(), [TestSquad.Lead], autoPublish: true);
        await host.TickAsync(); // the last tick before going down, an hour before the prompt time

        var back = new DateTimeOffset(2026, 11, 26, 10, 0, 0, TimeSpan.Zero).AddHours(hoursDown);
        squad.Time.Advance(back - squad.Time.GetUtcNow());
        await host.TickAsync();
        await squad.TickThroughAsync(host, back.AddHours(1), TimeSpan.FromMinutes(15));

        var prompts = squad.Prompts("29:ada");
        Assert.Equal(expectedPrompts, prompts.Count);
        Assert.All(prompts, p => Assert.Equal(back, p.At));
        if (hoursDown > 24)
        {
            Assert.Empty(squad.Teams.ChannelPosts); // the week's publish is long gone too
        }
    }

    private static DateTimeOffset At(DateOnly date, int utcHour) => new(date.ToDateTime(new TimeOnly(utcHour, 0)), TimeSpan.Zero);
}
