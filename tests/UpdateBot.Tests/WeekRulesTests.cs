using System.ComponentModel.DataAnnotations;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using UpdateBot.Answers;
using UpdateBot.Cards;
using UpdateBot.Cycle;
using UpdateBot.Digests;
using UpdateBot.Domain;
using UpdateBot.Storage;
using UpdateBot.Tests.Infrastructure;
using UpdateBot.Turns;

namespace UpdateBot.Tests;

/// <summary>
/// Issue 10: a member's words are never lost or misrouted, and schedule edits are honest. Each test is one scenario
/// of the issue's "Why", through the real endpoint, Azurite and the fake Bot Connector.
/// </summary>
public sealed class WeekRulesTests(AzuriteFixture tables) : IClassFixture<AzuriteFixture>
{
    // Week 48 of 2026, default schedule: open Thu 26 Nov 10:00, remind Fri 27 10:00, compile 14:00, publish 16:00 (GMT).
    private static readonly IsoWeek W48 = IsoWeek.Parse("2026-W48");
    private static readonly DateTimeOffset WednesdayNoon = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset ThursdayNoon = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
    private static readonly (string Id, string Name) Ada = TestSquad.People[1];

    private static string Said(TestSquad squad, string userId) => string.Join("\n", squad.Teams.SendsTo(userId).Select(r => FakeTeams.Text(r.Json)));

    private static async Task<StoredEntry?> EntryAsync(BotTestHost host, IsoWeek week, string memberId) =>
        await host.Get<EntryStore>().GetAsync(TestSquad.TeamId, week, memberId, CancellationToken.None);

    [Theory]
    [InlineData("Away day in Leeds was great, met the ICB")]
    [InlineData("away until the team lunch, then back on the migration")]
    public async Task A_sentence_starting_with_away_is_captured_and_the_reply_asks_if_the_command_was_meant(string text)
    {
        await using var squad = new TestSquad(tables, "awayday", WednesdayNoon);
        await using var host = squad.StartHost();
        var seeded = await host.SeedSquadAsync(TestSquad.TeamId, TestSquad.People, [TestSquad.Lead]);

        host.AssertOk(await host.PostActivityAsync(Activities.PersonalMessage(Ada.Id, Ada.Name, text)));

        var entry = await EntryAsync(host, W48, Ada.Id);
        Assert.Equal(text, entry!.Entry.Answers[seeded.Settings.Sections[0].Id]);
        Assert.Null((await host.Get<MemberStore>().GetAsync(TestSquad.TeamId, Ada.Id, CancellationToken.None))!.AwayUntil);
        Assert.Contains("Did you mean the **away** command?", Said(squad, Ada.Id), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("away next week")]
    [InlineData("away until Friday")]
    [InlineData("away for 2 weeks")]
    public async Task Going_away_after_answering_keeps_this_weeks_answer_in_the_draft(string command)
    {
        await using var squad = new TestSquad(tables, "awaynext", WednesdayNoon);
        await using var host = squad.StartHost();
        var seeded = await host.SeedSquadAsync(TestSquad.TeamId, TestSquad.People, [TestSquad.Lead]);
        host.AssertOk(await host.PostActivityAsync(Activities.PersonalMessage(Ada.Id, Ada.Name, "Shipped the referral API")));

        host.AssertOk(await host.PostActivityAsync(Activities.PersonalMessage(Ada.Id, Ada.Name, command)));

        var entry = await EntryAsync(host, W48, Ada.Id);
        Assert.Equal(EntryStatus.Answered, entry!.Entry.Status);
        Assert.Equal("Shipped the referral API", entry.Entry.Answers[seeded.Settings.Sections[0].Id]);
        Assert.NotNull((await host.Get<MemberStore>().GetAsync(TestSquad.TeamId, Ada.Id, CancellationToken.None))!.AwayUntil);
        var digest = await host.InScopeAsync(sp => sp.GetRequiredService<DigestService>().ComposeAsync(seeded, W48, CancellationToken.None));
        Assert.Equal(1, digest.Participation.Contributed);
        Assert.Equal(0, digest.Participation.Away);
        Assert.Contains("stays in it", Said(squad, Ada.Id), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Away_next_week_without_an_answer_leaves_this_week_open_and_its_reminder_due()
    {
        await using var squad = new TestSquad(tables, "awaylater", WednesdayNoon);
        await using var host = squad.StartHost();
        await host.SeedSquadAsync(TestSquad.TeamId, TestSquad.People, [TestSquad.Lead]);

        host.AssertOk(await host.PostActivityAsync(Activities.PersonalMessage(Ada.Id, Ada.Name, "away next week")));
        await squad.TickThroughAsync(host, new DateTimeOffset(2026, 11, 27, 10, 30, 0, TimeSpan.Zero), TimeSpan.FromHours(6));

        Assert.NotEqual(EntryStatus.Away, (await EntryAsync(host, W48, Ada.Id))?.Entry.Status);
        Assert.Single(squad.Prompts(Ada.Id));
        Assert.Single(squad.Reminders(Ada.Id));
    }

    [Fact]
    public async Task Free_text_after_the_close_goes_to_the_lead_desk_until_published_and_the_member_is_told()
    {
        await using var squad = new TestSquad(tables, "latedesk", new DateTimeOffset(2026, 11, 28, 10, 0, 0, TimeSpan.Zero)); // Saturday: W48 closed
        await using var host = squad.StartHost();
        var seeded = await host.SeedSquadAsync(TestSquad.TeamId, TestSquad.People, [TestSquad.Lead], autoPublish: false);

        host.AssertOk(await host.PostActivityAsync(Activities.PersonalMessage(Ada.Id, Ada.Name, "Forgot: the DPIA is signed")));

        Assert.Equal("Forgot: the DPIA is signed", (await EntryAsync(host, W48, Ada.Id))!.Entry.Answers[seeded.Settings.Sections[0].Id]);
        Assert.Null(await EntryAsync(host, W48.Next(), Ada.Id));
        Assert.Contains("review desk", Said(squad, Ada.Id), StringComparison.Ordinal);
        var cards = await host.InScopeAsync(sp => sp.GetRequiredService<DigestService>().ReviewCardsAsync(seeded, W48, TestSquad.Lead, CancellationToken.None));
        Assert.Contains(cards, c => Teams.Cards.CardJson.Serialize(c).Contains("the DPIA is signed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_prompt_submitted_after_an_early_publish_goes_to_next_week_and_the_member_is_told()
    {
        await using var squad = new TestSquad(tables, "latesubmit", ThursdayNoon);
        await using var host = squad.StartHost();
        var seeded = await host.SeedSquadAsync(TestSquad.TeamId, TestSquad.People, [TestSquad.Lead]);
        var first = seeded.Settings.Sections[0].Id;
        await host.InScopeAsync(sp => sp.GetRequiredService<DigestService>().PublishAsync(seeded, W48, "Lena Lead", CancellationToken.None));

        var (_, body) = await host.InvokeAsync(Activities.Execute(Ada.Id, Ada.Name, Verbs.PromptSubmit,
            new JsonObject { ["squadId"] = TestSquad.TeamId, ["week"] = W48.ToString(), [PromptCards.SectionInput(first)] = "Ran two research sessions" }));

        Assert.Null(await EntryAsync(host, W48, Ada.Id));
        Assert.Equal("Ran two research sessions", (await EntryAsync(host, W48.Next(), Ada.Id))!.Entry.Answers[first]);
        Assert.Contains("kept this for your next update (week 2026-W49)", FakeTeams.Text(body) + Said(squad, Ada.Id), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_late_submit_adds_to_next_weeks_answer_without_replacing_it()
    {
        await using var squad = new TestSquad(tables, "latemerge", ThursdayNoon);
        await using var host = squad.StartHost();
        var seeded = await host.SeedSquadAsync(TestSquad.TeamId, TestSquad.People, [TestSquad.Lead]);
        var first = seeded.Settings.Sections[0].Id;
        await host.InScopeAsync(sp => sp.GetRequiredService<AnswerService>().CaptureAsync(new AnswerFor(seeded, W48.Next(), Ada.Id, Ada.Name), "already said for next week", CancellationToken.None));
        await host.InScopeAsync(sp => sp.GetRequiredService<DigestService>().PublishAsync(seeded, W48, "Lena Lead", CancellationToken.None));

        var outcome = await host.InScopeAsync(sp => sp.GetRequiredService<AnswerService>().SubmitAsync(new AnswerFor(seeded, W48, Ada.Id, Ada.Name),
            new Dictionary<string, string?> { [PromptCards.SectionInput(first)] = "late words" }, CancellationToken.None));

        Assert.True(outcome.Saved);
        Assert.Equal("already said for next week\nlate words", (await EntryAsync(host, W48.Next(), Ada.Id))!.Entry.Answers[first]);
    }

    [Fact]
    public async Task An_early_publish_stops_the_weeks_remaining_prompts_and_reminders()
    {
        await using var squad = new TestSquad(tables, "earlypub", new DateTimeOffset(2026, 11, 26, 9, 0, 0, TimeSpan.Zero));
        await using var host = squad.StartHost();
        var seeded = await host.SeedSquadAsync(TestSquad.TeamId, TestSquad.People, [TestSquad.Lead]);
        await host.InScopeAsync(sp => sp.GetRequiredService<DigestService>().PublishAsync(seeded, W48, "Lena Lead", CancellationToken.None));

        await squad.TickThroughAsync(host, new DateTimeOffset(2026, 11, 27, 17, 0, 0, TimeSpan.Zero), TimeSpan.FromHours(1));

        Assert.All(TestSquad.People, p =>
        {
            Assert.Empty(squad.Prompts(p.Id));
            Assert.Empty(squad.Reminders(p.Id));
        });
        Assert.Single(squad.Teams.ChannelPosts);
    }

    [Fact]
    public async Task Captured_text_redelivered_to_another_instance_is_kept_once()
    {
        await using var squad = new TestSquad(tables, "redeliver", ThursdayNoon);
        await using var first = squad.StartHost("host1");
        await using var second = squad.StartHost("host2");
        var seeded = await first.SeedSquadAsync(TestSquad.TeamId, TestSquad.People, [TestSquad.Lead]);
        var message = Activities.PersonalMessage(Ada.Id, Ada.Name, "Shipped the booking flow");
        message["id"] = "1764158400000";

        first.AssertOk(await first.PostActivityAsync(message));
        second.AssertOk(await second.PostActivityAsync((JsonObject)message.DeepClone()));

        Assert.Equal("Shipped the booking flow", (await EntryAsync(first, W48, Ada.Id))!.Entry.Answers[seeded.Settings.Sections[0].Id]);
    }

    [Fact]
    public async Task An_old_review_card_cannot_publish_a_past_week_under_a_new_number()
    {
        await using var squad = new TestSquad(tables, "olddesk", ThursdayNoon);
        await using var host = squad.StartHost();
        await host.SeedSquadAsync(TestSquad.TeamId, TestSquad.People, [TestSquad.Lead], autoPublish: false);
        squad.Time.SetUtcNow(new DateTimeOffset(2026, 12, 9, 12, 0, 0, TimeSpan.Zero)); // W50

        var (_, body) = await host.InvokeAsync(Activities.Execute(TestSquad.Lead, "Lena Lead", Verbs.DigestPublish, new JsonObject { ["squadId"] = TestSquad.TeamId, ["week"] = W48.ToString() }));

        Assert.Empty(squad.Teams.ChannelPosts);
        Assert.Contains("can no longer be reviewed or published", FakeTeams.Text(body), StringComparison.Ordinal);
        Assert.Equal(0, (await host.Get<SquadStore>().GetAsync(TestSquad.TeamId, CancellationToken.None))!.PublishedEditions);
    }

    /// <param name="version">The settings version the card was built from (a setup card carries it).</param>
    private static JsonObject Setup(DayOfWeek openDay, string openTime, int version) => new()
    {
        ["squadId"] = TestSquad.TeamId,
        ["version"] = version,
        ["week"] = "",
        [SetupCards.Inputs.Name] = "Platform",
        [SetupCards.Inputs.TimeZone] = "Europe/London",
        [SetupCards.Inputs.Day(CycleStep.Open)] = openDay.ToString(),
        [SetupCards.Inputs.Time(CycleStep.Open)] = openTime,
        [SetupCards.Inputs.Day(CycleStep.Remind)] = "Friday",
        [SetupCards.Inputs.Time(CycleStep.Remind)] = "10:00",
        [SetupCards.Inputs.Day(CycleStep.Compile)] = "Friday",
        [SetupCards.Inputs.Time(CycleStep.Compile)] = "14:00",
        [SetupCards.Inputs.Day(CycleStep.Publish)] = "Friday",
        [SetupCards.Inputs.Time(CycleStep.Publish)] = "16:00",
        [SetupCards.Inputs.Sections] = "Highlights\nBlockers and asks",
        [SetupCards.Inputs.AutoPublish] = "true",
    };

    private static async Task<int> SettingsVersionAsync(BotTestHost host) =>
        (await host.Get<SquadStore>().GetAsync(TestSquad.TeamId, CancellationToken.None))!.SettingsVersion;

    [Fact]
    public async Task A_step_moved_into_the_past_this_week_runs_now_and_the_setup_card_says_so()
    {
        await using var squad = new TestSquad(tables, "movedstep", WednesdayNoon);
        await using var host = squad.StartHost();
        await host.SeedSquadAsync(TestSquad.TeamId, TestSquad.People, [TestSquad.Lead]);
        await host.TickAsync();
        Assert.Empty(squad.Prompts(Ada.Id));

        // Two days ago: outside the 24-hour catch-up window, so it used to be skipped without a word.
        var (_, body) = await host.InvokeAsync(Activities.Execute(TestSquad.Lead, "Lena Lead", Verbs.SetupSave, Setup(DayOfWeek.Monday, "09:00", await SettingsVersionAsync(host)), TestSquad.TeamId));
        var saved = FakeTeams.Text(body);
        Assert.Contains("already passed, so it runs now", saved, StringComparison.Ordinal);
        Assert.Contains("Next: ", saved, StringComparison.Ordinal);

        squad.Time.Advance(TimeSpan.FromMinutes(1));
        await host.TickAsync();

        var prompt = Assert.Single(squad.Prompts(Ada.Id));
        Assert.Equal(W48.ToString(), TestSquad.WeekOf(prompt));
    }

    [Fact]
    public async Task The_setup_card_says_when_the_next_step_runs()
    {
        await using var squad = new TestSquad(tables, "nextstep", WednesdayNoon);
        await using var host = squad.StartHost();
        await host.SeedSquadAsync(TestSquad.TeamId, TestSquad.People, [TestSquad.Lead]);

        var (_, body) = await host.InvokeAsync(Activities.Execute(TestSquad.Lead, "Lena Lead", Verbs.SetupSave, Setup(DayOfWeek.Thursday, "10:00", await SettingsVersionAsync(host)), TestSquad.TeamId));

        Assert.Contains($"Next: {SetupCards.StepLabel(CycleStep.Open)} on {PromptCards.FormatLocal(new DateTimeOffset(2026, 11, 26, 10, 0, 0, TimeSpan.Zero), TimeZoneInfo.FindSystemTimeZoneById("Europe/London"))}", FakeTeams.Text(body), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("00:00:00", "00:01:00")]
    [InlineData("00:00:30", "00:01:00")]
    public void A_catch_up_window_shorter_than_the_tick_interval_is_refused(string window, string tick)
    {
        var options = new CycleOptions { CatchUpWindow = TimeSpan.Parse(window, System.Globalization.CultureInfo.InvariantCulture), TickInterval = TimeSpan.Parse(tick, System.Globalization.CultureInfo.InvariantCulture) };
        var results = new List<ValidationResult>();
        Assert.False(Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true));
        Assert.Contains(results, r => r.MemberNames.Contains(nameof(CycleOptions.CatchUpWindow)));
    }

    [Fact]
    public void The_default_cycle_options_are_valid()
    {
        var options = new CycleOptions();
        Assert.True(Validator.TryValidateObject(options, new ValidationContext(options), [], validateAllProperties: true));
    }
}
