using System.Text;
using System.Net;
using System.Text.Json.Nodes;
using UpdateBot.Cards;
using UpdateBot.Domain;
using UpdateBot.Storage;
using UpdateBot.Teams.Cards;
using UpdateBot.Tests.Infrastructure;
using UpdateBot.Teams.Schema;

namespace UpdateBot.Tests;

/// <summary>Card actions through the real /api/messages endpoint (issue 3 items 1, 5 and 8).</summary>
public sealed class CardActionTests(AzuriteFixture tables) : IClassFixture<AzuriteFixture>
{
    private const string CardType = "application/vnd.microsoft.card.adaptive";
    private static readonly DateTimeOffset ThursdayNoon = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
    private static readonly IsoWeek Week = IsoWeek.Parse("2026-W48");

    private static JsonObject PromptData(params (string Section, string Text)[] answers)
    {
        var data = new JsonObject { ["squadId"] = TestSquad.TeamId, ["week"] = Week.ToString() };
        foreach (var (section, text) in answers)
        {
            data[PromptCards.SectionInput(section)] = text;
        }

        return data;
    }

    private static void AssertCardEnvelope(HttpStatusCode status, JsonNode? body)
    {
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(200, body?["statusCode"]?.GetValue<int>());
        Assert.Equal(CardType, body?["type"]?.GetValue<string>());
        Assert.Equal("AdaptiveCard", body?["value"]?["type"]?.GetValue<string>());
    }

    private static void AssertRefused(HttpStatusCode status, JsonNode? body)
    {
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(403, body?["statusCode"]?.GetValue<int>());
        Assert.Equal(AdaptiveCardInvokeResponse.ErrorType, body?["type"]?.GetValue<string>());
    }

    [Fact]
    public async Task A_team_install_then_the_setup_card_configures_the_squad_and_only_the_lead_can_save_it()
    {
        await using var squad = new TestSquad(tables, "Setup", ThursdayNoon);
        var host = squad.StartHost();
        squad.Teams.SetTeam(TestSquad.TeamId, TestSquad.People);

        var install = await host.PostActivityAsync(Activities.TeamInstall(TestSquad.TeamId, TestSquad.Lead, "Lena Lead"));
        host.AssertOk(install);
        var welcome = Assert.Single(squad.Teams.ChannelPosts);
        Assert.Contains(WelcomeCards.WelcomeTitle, FakeTeams.Text(welcome.Json));
        Assert.Contains(squad.Teams.Requests, r => r.Method == HttpMethod.Post && FakeTeams.Text(r.Json).Contains(SetupCards.SetupTitle, StringComparison.Ordinal));

        // A member who is not a lead cannot save.
        var (status, body) = await host.InvokeAsync(Activities.Execute("29:ada", "Ada Lovelace", Verbs.SetupSave, SetupCardValues.Filled(), TestSquad.TeamId));
        AssertRefused(status, body);
        Assert.False((await host.Get<SquadStore>().GetAsync(TestSquad.TeamId, CancellationToken.None))!.IsConfigured);

        var version = (await host.Get<SquadStore>().GetAsync(TestSquad.TeamId, CancellationToken.None))!.SettingsVersion;
        (status, body) = await host.InvokeAsync(Activities.Execute(TestSquad.Lead, "Lena Lead", Verbs.SetupSave, SetupCardValues.Filled(version: version), TestSquad.TeamId));
        AssertCardEnvelope(status, body);
        Assert.Contains(SetupCards.SavedTitle, FakeTeams.Text(body!["value"]));
        var saved = (await host.Get<SquadStore>().GetAsync(TestSquad.TeamId, CancellationToken.None))!;
        Assert.True(saved.IsConfigured);
        Assert.Equal("Platform squad", saved.Settings.Name);
        Assert.Equal("America/New_York", saved.Settings.TimeZoneId);
        Assert.Equal(["Highlights", "Blockers and asks"], saved.Settings.Sections.Select(s => s.Title));
        Assert.True(saved.Settings.AutoPublish);
        Assert.Equal([TestSquad.Lead], saved.Settings.LeadIds);
    }

    public static TheoryData<string, string, string, string> InvalidSetups => new()
    {
        { "Mars/Olympus_Mons", "10:00", "Highlights", "Mars/Olympus_Mons" },
        { "Europe/London", "15:00", "Highlights", "remind" },
        { "Europe/London", "10:00", "", "section" },
    };

    [Theory]
    [MemberData(nameof(InvalidSetups))]
    public async Task Invalid_settings_come_back_on_the_card_with_the_errors_and_nothing_is_saved(string timeZone, string remindTime, string sections, string errorMentions)
    {
        await using var squad = new TestSquad(tables, "BadSetup", ThursdayNoon);
        var host = squad.StartHost();
        var before = await host.SeedSquadAsync(TestSquad.TeamId, TestSquad.People, [TestSquad.Lead], autoPublish: false);

        var (status, body) = await host.InvokeAsync(Activities.Execute(TestSquad.Lead, "Lena Lead", Verbs.SetupSave, SetupCardValues.Filled(before.SettingsVersion, timeZone, remindTime, sections), TestSquad.TeamId));

        AssertCardEnvelope(status, body);
        var card = body!["value"]!;
        var errors = card["body"]!.AsArray().Where(e => e?["color"]?.GetValue<string>() == "attention").Select(e => e!["text"]!.GetValue<string>()).ToList();
        Assert.NotEmpty(errors);
        Assert.Contains(errors, e => e.Contains(errorMentions, StringComparison.OrdinalIgnoreCase));
        Assert.Contains("Platform squad", FakeTeams.Text(card)); // what the lead typed is kept
        var after = (await host.Get<SquadStore>().GetAsync(TestSquad.TeamId, CancellationToken.None))!;
        Assert.Equal(before.Settings.Name, after.Settings.Name);
        Assert.Equal(before.Settings.TimeZoneId, after.Settings.TimeZoneId);
        Assert.Equal(before.Settings.Schedule, after.Settings.Schedule);
        Assert.Equal(before.Settings.Sections, after.Settings.Sections);
        Assert.Equal(before.Settings.AutoPublish, after.Settings.AutoPublish);
    }

    [Fact]
    public async Task A_member_submitting_the_prompt_stores_the_answer_once_and_gets_the_card_back()
    {
        await using var squad = new TestSquad(tables, "Submit", ThursdayNoon);
        var host = squad.StartHost();
        await host.SeedSquadAsync(TestSquad.TeamId, TestSquad.People, [TestSquad.Lead]);
        var submit = Activities.Execute("29:ada", "Ada Lovelace", Verbs.PromptSubmit, PromptData(("highlights", "Shipped the analytical engine"), ("blockers-and-asks", "Need more brass")));

        var (status, body) = await host.InvokeAsync(submit);
        AssertCardEnvelope(status, body);
        Assert.Contains("Shipped the analytical engine", FakeTeams.Text(body!["value"]));

        // Teams redelivers the same activity, and the member presses submit again: still one entry, same answer.
        var (again, _) = await host.InvokeAsync(submit);
        Assert.Equal(HttpStatusCode.OK, again);
        submit.Remove("id");
        (status, body) = await host.InvokeAsync(submit);
        AssertCardEnvelope(status, body);

        var entries = await host.Get<EntryStore>().ListAsync(TestSquad.TeamId, Week, CancellationToken.None);
        var entry = Assert.Single(entries).Entry;
        Assert.Equal("29:ada", entry.MemberId);
        Assert.Equal(EntryStatus.Answered, entry.Status);
        Assert.Equal("Shipped the analytical engine", entry.Answers["highlights"]);
        Assert.Equal("Need more brass", entry.Answers["blockers-and-asks"]);
        Assert.Equal(2, entry.Answers.Count);
    }

    [Fact]
    public async Task Nobody_can_act_outside_their_rights()
    {
        await using var squad = new TestSquad(tables, "Rights", ThursdayNoon);
        var host = squad.StartHost();
        await host.SeedSquadAsync(TestSquad.TeamId, TestSquad.People, [TestSquad.Lead]);
        await host.SeedSquadAsync("19:team-other@thread.tacv2", [("29:zed", "Zed Other")], ["29:zed"], name: "Other");

        // A member of another squad cannot answer for this one.
        var (status, body) = await host.InvokeAsync(Activities.Execute("29:zed", "Zed Other", Verbs.PromptSubmit, PromptData(("highlights", "Not my squad"))));
        AssertRefused(status, body);
        Assert.Empty(await host.Get<EntryStore>().ListAsync(TestSquad.TeamId, Week, CancellationToken.None));

        // A member who is not a lead cannot publish or change the settings.
        (status, body) = await host.InvokeAsync(Activities.Execute("29:ada", "Ada Lovelace", Verbs.DigestPublish, new JsonObject { ["squadId"] = TestSquad.TeamId, ["week"] = Week.ToString() }));
        AssertRefused(status, body);
        Assert.Empty(squad.Teams.ChannelPosts);
        (status, body) = await host.InvokeAsync(Activities.Execute("29:ada", "Ada Lovelace", Verbs.SetupSave, SetupCardValues.Filled(), TestSquad.TeamId));
        AssertRefused(status, body);
        Assert.Equal("Platform", (await host.Get<SquadStore>().GetAsync(TestSquad.TeamId, CancellationToken.None))!.Settings.Name);
    }

    [Fact]
    public async Task A_form_too_large_to_echo_whole_still_comes_back_as_a_card_Teams_accepts_and_says_what_was_cut()
    {
        await using var squad = new TestSquad(tables, "TooLarge", ThursdayNoon);
        var host = squad.StartHost();
        await host.SeedSquadAsync(TestSquad.TeamId, TestSquad.People, [TestSquad.Lead]);
        // A client that ignores the inputs' maxLength: every section ten times over the limit.
        var huge = new string('y', AnswerText.MaxSectionLength * 10);

        var (status, body) = await host.InvokeAsync(Activities.Execute("29:ada", "Ada Lovelace", Verbs.PromptSubmit,
            PromptData(("highlights", "H" + huge), ("discovery-and-delivery", "D" + huge), ("blockers-and-asks", "B" + huge))));

        AssertCardEnvelope(status, body);
        Assert.InRange(Encoding.Unicode.GetByteCount(body!["value"]!.ToJsonString()), 1, CardJson.MaxMessageUtf16Bytes);
        var text = FakeTeams.Text(body["value"]);
        Assert.Contains("20,001 characters; the limit is 2,000", text);
        Assert.Contains("cut to the first 2,000 characters", text);
        Assert.Empty(await host.Get<EntryStore>().ListAsync(TestSquad.TeamId, Week, CancellationToken.None));
    }

    [Fact]
    public async Task A_too_long_section_comes_back_with_the_error_and_the_typed_text_and_nothing_is_stored()
    {
        await using var squad = new TestSquad(tables, "TooLong", ThursdayNoon);
        var host = squad.StartHost();
        await host.SeedSquadAsync(TestSquad.TeamId, TestSquad.People, [TestSquad.Lead]);
        var longText = "The long story " + new string('x', AnswerText.MaxSectionLength - 14);
        Assert.Equal(AnswerText.MaxSectionLength + 1, longText.Length);

        var (status, body) = await host.InvokeAsync(Activities.Execute("29:ada", "Ada Lovelace", Verbs.PromptSubmit, PromptData(("highlights", longText), ("blockers-and-asks", "Short and kept"))));

        AssertCardEnvelope(status, body);
        var text = FakeTeams.Text(body!["value"]);
        Assert.Contains("2,001 characters; the limit is 2,000", text);
        Assert.Contains(longText, text);
        Assert.Contains("Short and kept", text);
        Assert.Empty(await host.Get<EntryStore>().ListAsync(TestSquad.TeamId, Week, CancellationToken.None));
    }
}
