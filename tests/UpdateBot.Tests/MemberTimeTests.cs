using System.Text.Json.Nodes;
using UpdateBot.Storage;
using UpdateBot.Tests.Infrastructure;
using UpdateBot.Turns;

namespace UpdateBot.Tests;

/// <summary>
/// Each member's own time (README, "Each member's own time"): the zone learned from the Teams client or set with
/// <c>my time zone</c>, prompts and reminders at the squad's hour on each member's clock, compile and publish on the
/// squad's, driven tick by tick on a fake clock against real tables.
/// </summary>
public sealed class MemberTimeTests(AzuriteFixture tables) : IClassFixture<AzuriteFixture>
{
    private static readonly TimeSpan HalfHour = TimeSpan.FromMinutes(30);

    private static DateTimeOffset Utc(int day, int hour, int minute = 0) => new(2026, 11, day, hour, minute, 0, TimeSpan.Zero);

    /// <summary>A 1:1 message whose Teams client reports its time zone (docs/protocol.md, "clientInfo").</summary>
    private static JsonObject FromClientIn(string userId, string name, string text, string timeZone)
    {
        var activity = Activities.PersonalMessage(userId, name, text);
        activity["entities"] = new JsonArray(new JsonObject { ["type"] = "clientInfo", ["locale"] = "en-GB", ["timezone"] = timeZone, ["platform"] = "Web" });
        return activity;
    }

    [Fact]
    public async Task The_scheduler_prompts_and_reminds_each_member_at_their_own_time_and_compiles_and_publishes_on_the_squads_clock()
    {
        // Week 48 of 2026, London on GMT: Thursday 10:00 is 10:00 UTC; New York (EST) 15:00 UTC; Kolkata (IST) 04:30 UTC.
        await using var squad = new TestSquad(tables, "OwnTime", Utc(25, 12));
        var host = squad.StartHost();
        await host.SeedSquadAsync(TestSquad.TeamId, TestSquad.People, [TestSquad.Lead], autoPublish: true);

        host.AssertOk(await host.PostActivityAsync(FromClientIn("29:ada", "Ada Lovelace", "help", "America/New_York")));
        host.AssertOk(await host.PostActivityAsync(FromClientIn("29:cy", "Cy Twombly", "help", "Europe/London")));
        host.AssertOk(await host.PostActivityAsync(Activities.PersonalMessage("29:bo", "Bo Diddley", "my time zone Asia/Kolkata")));
        Assert.Contains("Asia/Kolkata", FakeTeams.Text(squad.Teams.SendsTo("29:bo")[^1].Json), StringComparison.Ordinal);

        var stored = await host.Get<SquadStore>().GetAsync(TestSquad.TeamId, CancellationToken.None);
        Assert.Equal(["America/New_York", "Asia/Kolkata"], stored!.MemberTimeZoneIds);

        await squad.TickThroughAsync(host, Utc(26, 23), HalfHour);
        Assert.Equal(Utc(26, 4, 30), Assert.Single(squad.Prompts("29:bo")).At);
        foreach (var id in new[] { TestSquad.Lead, "29:cy", "29:di" })
        {
            Assert.Equal(Utc(26, 10), Assert.Single(squad.Prompts(id)).At);
        }

        Assert.Equal(Utc(26, 15), Assert.Single(squad.Prompts("29:ada")).At);

        // Friday 10:00 in New York is after the 14:00 compile in London: Ada's reminder comes at the compile time.
        await squad.TickThroughAsync(host, Utc(27, 23), HalfHour);
        Assert.Equal(Utc(27, 4, 30), Assert.Single(squad.Reminders("29:bo")).At);
        Assert.Equal(Utc(27, 10), Assert.Single(squad.Reminders("29:cy")).At);
        Assert.Equal(Utc(27, 14), Assert.Single(squad.Reminders("29:ada")).At);
        Assert.All(squad.Reviews(TestSquad.Lead), r => Assert.Equal(Utc(27, 14), r.At));
        Assert.NotEmpty(squad.Reviews(TestSquad.Lead));
        Assert.Equal(Utc(27, 16), Assert.Single(squad.Teams.ChannelPosts).At);
    }

    [Fact]
    public async Task A_lead_saying_prompt_now_asks_everyone_at_once_whatever_their_clock()
    {
        await using var squad = new TestSquad(tables, "OwnTimeNow", Utc(26, 9));
        var host = squad.StartHost();
        await host.SeedSquadAsync(TestSquad.TeamId, TestSquad.People.Take(3).ToList(), [TestSquad.Lead], autoPublish: false);
        host.AssertOk(await host.PostActivityAsync(FromClientIn("29:ada", "Ada Lovelace", "help", "America/New_York")));

        host.AssertOk(await host.PostActivityAsync(Activities.PersonalMessage(TestSquad.Lead, "Lena Lead", "prompt now")));

        Assert.Single(squad.Prompts("29:ada"));
        Assert.Single(squad.Prompts("29:bo"));

        // The schedule finds the step done: nobody is asked twice.
        await squad.TickThroughAsync(host, Utc(26, 23), HalfHour);
        Assert.Single(squad.Prompts("29:ada"));
    }

    [Fact]
    public async Task An_unknown_time_zone_gets_a_clear_answer_and_changes_nothing()
    {
        await using var squad = new TestSquad(tables, "OwnTimeBad", Utc(25, 12));
        var host = squad.StartHost();
        await host.SeedSquadAsync(TestSquad.TeamId, TestSquad.People.Take(2).ToList(), [TestSquad.Lead]);
        host.AssertOk(await host.PostActivityAsync(FromClientIn("29:ada", "Ada Lovelace", "help", "Europe/Dublin")));

        host.AssertOk(await host.PostActivityAsync(Activities.PersonalMessage("29:ada", "Ada Lovelace", "my time zone Europe/Lisbonn")));

        var reply = FakeTeams.Text(squad.Teams.SendsTo("29:ada")[^1].Json);
        Assert.Contains("don't know the time zone \"Europe/Lisbonn\"", reply, StringComparison.Ordinal);
        Assert.Contains("https://en.wikipedia.org/wiki/List_of_tz_database_time_zones", reply, StringComparison.Ordinal);
        var member = await host.Get<MemberStore>().GetAsync(TestSquad.TeamId, "29:ada", CancellationToken.None);
        Assert.Equal("Europe/Dublin", member?.TimeZoneId);
    }

    [Fact]
    public async Task My_data_shows_the_time_zone_and_erasure_removes_it_everywhere()
    {
        await using var squad = new TestSquad(tables, "OwnTimeErase", Utc(25, 12));
        var host = squad.StartHost();
        await host.SeedSquadAsync(TestSquad.TeamId, TestSquad.People.Take(2).ToList(), [TestSquad.Lead]);
        host.AssertOk(await host.PostActivityAsync(FromClientIn("29:ada", "Ada Lovelace", "my data", "America/New_York")));
        Assert.Contains("Your time zone: America/New_York (from Teams)", FakeTeams.Text(squad.Teams.SendsTo("29:ada")[^1].Json), StringComparison.Ordinal);
        Assert.Equal("America/New_York", (await host.Get<MemberStore>().GetAsync(TestSquad.TeamId, "29:ada", CancellationToken.None))?.TimeZoneId);

        host.AssertOk(await host.PostActivityAsync(Activities.PersonalMessage("29:ada", "Ada Lovelace", "erase my data")));

        Assert.Null((await host.Get<MemberStore>().GetAsync(TestSquad.TeamId, "29:ada", CancellationToken.None))?.TimeZoneId);
        Assert.Null(await host.Get<ConversationStore>().GetAsync(ConversationStore.User, "29:ada", CancellationToken.None));
    }

    [Fact]
    public async Task Erasure_takes_a_zone_only_that_member_had_off_the_squads_list_and_keeps_the_others()
    {
        await using var squad = new TestSquad(tables, "ZoneErase", Utc(25, 12));
        var host = squad.StartHost();
        await host.SeedSquadAsync(TestSquad.TeamId, TestSquad.People, [TestSquad.Lead]);
        host.AssertOk(await host.PostActivityAsync(FromClientIn("29:ada", "Ada Lovelace", "help", "America/New_York")));
        host.AssertOk(await host.PostActivityAsync(FromClientIn("29:bo", "Bo Diddley", "help", "Asia/Kolkata")));
        host.AssertOk(await host.PostActivityAsync(FromClientIn("29:cy", "Cy Twombly", "help", "Asia/Kolkata")));
        Assert.Equal(["America/New_York", "Asia/Kolkata"], (await host.Get<SquadStore>().GetAsync(TestSquad.TeamId, CancellationToken.None))!.MemberTimeZoneIds);

        // Ada alone was on New York's clock: after her erasure the squad's list no longer says someone is.
        host.AssertOk(await host.PostActivityAsync(Activities.PersonalMessage("29:ada", "Ada Lovelace", "erase my data")));
        Assert.Equal(["Asia/Kolkata"], (await host.Get<SquadStore>().GetAsync(TestSquad.TeamId, CancellationToken.None))!.MemberTimeZoneIds);

        // Bo shares Kolkata with Cy: after his erasure Cy's zone stays, so Cy's prompts still come on Cy's clock.
        host.AssertOk(await host.PostActivityAsync(Activities.PersonalMessage("29:bo", "Bo Diddley", "erase my data")));
        Assert.Equal(["Asia/Kolkata"], (await host.Get<SquadStore>().GetAsync(TestSquad.TeamId, CancellationToken.None))!.MemberTimeZoneIds);
    }

    [Theory]
    [InlineData("my time zone", CommandKind.MyTimeZone, "")]
    [InlineData("My time zone Europe/Lisbon", CommandKind.MyTimeZone, "Europe/Lisbon")]
    [InlineData("my timezone America/Argentina/Salta", CommandKind.MyTimeZone, "America/Argentina/Salta")]
    [InlineData("my time zone auto", CommandKind.MyTimeZone, "auto")]
    [InlineData("my time zone Moon/Tranquility", CommandKind.MyTimeZone, "Moon/Tranquility")]
    [InlineData("My time zone is a mess since the clocks went back", CommandKind.Unknown, "")]
    public void The_time_zone_command_is_read_and_a_sentence_stays_an_answer(string text, CommandKind kind, string argument)
    {
        var command = Commands.Parse(text);
        Assert.Equal((kind, argument), (command.Kind, command.Argument));
        if (kind == CommandKind.Unknown)
        {
            Assert.Equal(CommandKind.MyTimeZone, command.LooksLike);
        }
    }
}
