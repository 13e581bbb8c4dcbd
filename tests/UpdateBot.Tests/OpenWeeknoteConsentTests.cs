using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using UpdateBot.Cards;
using UpdateBot.Cycle;
using UpdateBot.Digests;
using UpdateBot.Domain;
using UpdateBot.Storage;
using UpdateBot.Tests.Infrastructure;
using UpdateBot.Turns;

namespace UpdateBot.Tests;

/// <summary>
/// Issue 13, the consent half of the open weeknote, against Azurite and the fake connector: a publish produces the
/// public edition with each person's consent; erasure, turning Publish openly off and a new public name follow the
/// data; the setup card's open weeknote settings keep the stale-card rules.
/// </summary>
public sealed class OpenWeeknoteConsentTests(AzuriteFixture tables) : IClassFixture<AzuriteFixture>
{
    private static readonly DateTimeOffset ThursdayNoon = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
    private static readonly IsoWeek Week = IsoWeek.Parse("2026-W48");
    private static readonly (string Id, string Name) Ada = TestSquad.People[1];
    private static readonly (string Id, string Name) Bo = TestSquad.People[2];
    private static readonly (string Id, string Name) Cy = TestSquad.People[3];

    /// <summary>The prompt form as a member submits it, with the open weeknote inputs as the card showed them and as changed.</summary>
    private static JsonObject Submit((string Section, string Text)[] answers, bool? teamOnly = null, string? publicName = null)
    {
        var data = new JsonObject
        {
            ["squadId"] = TestSquad.TeamId,
            ["week"] = Week.ToString(),
            ["teamOnlyShown"] = false,
            ["publicNameShown"] = "",
            [PromptCards.TeamOnlyInput] = teamOnly == true ? "true" : "false",
            [PromptCards.PublicNameInput] = publicName ?? nameof(PublicName.Anonymous),
        };
        foreach (var (section, text) in answers)
        {
            data[PromptCards.SectionInput(section)] = text;
        }

        return data;
    }

    private static async Task AnswerAsync(BotTestHost host, (string Id, string Name) person, JsonObject data)
    {
        var (status, body) = await host.InvokeAsync(Activities.Execute(person.Id, person.Name, Verbs.PromptSubmit, data));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(200, body?["statusCode"]?.GetValue<int>());
    }

    /// <summary>Ada (first name) and Cy (not chosen) answer openly; Bo keeps his answers for the team; Ada's blocker is in a team-only section.</summary>
    private static async Task<Squad> AnsweredWeekAsync(BotTestHost host)
    {
        var seeded = await host.SeedSquadAsync(TestSquad.TeamId, TestSquad.People, [TestSquad.Lead], autoPublish: false, name: "Mental Health Discovery", publishOpenly: true);
        await host.InScopeAsync(sp => sp.GetRequiredService<CycleRunner>().RunAsync(seeded, Week, CycleStep.Open, CancellationToken.None));
        await AnswerAsync(host, Ada, Submit([("highlights", "Shipped the referral pilot"), ("blockers-and-asks", "Need a DPIA sign-off")], publicName: nameof(PublicName.FirstName)));
        await AnswerAsync(host, Bo, Submit([("highlights", "Met the commissioners about budgets")], teamOnly: true));
        await AnswerAsync(host, Cy, Submit([("highlights", "Ran the show and tell")]));
        return seeded;
    }

    private static Task<PublishResult> PublishAsync(BotTestHost host, Squad squad) =>
        host.InScopeAsync(sp => sp.GetRequiredService<DigestService>().PublishAsync(squad, Week, "Lena Lead", CancellationToken.None));

    private static IEnumerable<OpenItem> Items(OpenEdition edition) => edition.Sections.SelectMany(s => s.Items);

    [Fact]
    public async Task Publishing_produces_the_public_edition_with_each_persons_consent_and_the_channel_post_keeps_everything()
    {
        await using var squad = new TestSquad(tables, "openpub", ThursdayNoon);
        await using var host = squad.StartHost();
        var seeded = await AnsweredWeekAsync(host);

        Assert.Equal(PublishState.Published, (await PublishAsync(host, seeded)).State);

        var post = FakeTeams.Text(Assert.Single(squad.Teams.ChannelPosts).Json);
        Assert.Contains("Met the commissioners about budgets", post, StringComparison.Ordinal);
        Assert.Contains("Need a DPIA sign-off", post, StringComparison.Ordinal);

        var edition = (await host.Get<OpenEditionStore>().GetAsync("mental-health-discovery", Week, CancellationToken.None))!;
        Assert.Equal("Mental Health Discovery weeknotes — Update 1", edition.Title);
        var item = Assert.Single(Items(edition), i => i.MemberId == Ada.Id);
        Assert.Equal(("Ada", "Shipped the referral pilot"), (item.Attribution, item.Text));
        Assert.Equal(OpenConsent.MemberOfTheTeam, Assert.Single(Items(edition), i => i.MemberId == Cy.Id).Attribution);
        Assert.DoesNotContain(Items(edition), i => i.MemberId == Bo.Id);
        Assert.DoesNotContain(Items(edition), i => i.Text.Contains("DPIA", StringComparison.Ordinal));

        // export public gives the same edition as Markdown.
        var export = await host.SayAsync((TestSquad.Lead, "Lena Lead"), "export public");
        Assert.Contains("Shipped the referral pilot — Ada", export, StringComparison.Ordinal);
        Assert.DoesNotContain("commissioners", export, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_lead_sees_what_will_be_public_withholds_an_item_and_a_correction_updates_the_public_edition()
    {
        await using var squad = new TestSquad(tables, "openwith", ThursdayNoon);
        await using var host = squad.StartHost();
        var seeded = await AnsweredWeekAsync(host);
        await PublishAsync(host, seeded);

        var desk = await host.InScopeAsync(sp => sp.GetRequiredService<DigestService>().ReviewCardsAsync(seeded, Week, TestSquad.Lead, CancellationToken.None));
        var text = string.Join("\n", desk.Select(c => FakeTeams.Text(JsonNode.Parse(UpdateBot.Teams.Cards.CardJson.Serialize(c)))));
        Assert.Contains("Open weeknote: 2 of 4 items will be public at /weeknotes/mental-health-discovery/", text, StringComparison.Ordinal);
        Assert.Contains(ReviewCards.AudienceText(OpenAudience.AuthorKeptTeamOnly), text, StringComparison.Ordinal);
        Assert.Contains(ReviewCards.AudienceText(OpenAudience.SectionTeamOnly), text, StringComparison.Ordinal);

        var cyItem = DigestComposer.ItemId(Cy.Id, "highlights");
        var (status, _) = await host.InvokeAsync(Activities.Execute(TestSquad.Lead, "Lena Lead", Verbs.DigestWithhold, new JsonObject { ["squadId"] = TestSquad.TeamId, ["week"] = Week.ToString(), ["itemId"] = cyItem }));
        Assert.Equal(HttpStatusCode.OK, status);
        var edition = (await host.Get<OpenEditionStore>().GetAsync("mental-health-discovery", Week, CancellationToken.None))!;
        Assert.DoesNotContain(Items(edition), i => i.ItemId == cyItem);
        Assert.Contains("Ran the show and tell", FakeTeams.Text(squad.Teams.ChannelPosts[0].Json), StringComparison.Ordinal);

        // Releasing an item the author kept for the team changes nothing: it never becomes public.
        var boItem = DigestComposer.ItemId(Bo.Id, "highlights");
        await host.InvokeAsync(Activities.Execute(TestSquad.Lead, "Lena Lead", Verbs.DigestRelease, new JsonObject { ["squadId"] = TestSquad.TeamId, ["week"] = Week.ToString(), ["itemId"] = boItem }));
        edition = (await host.Get<OpenEditionStore>().GetAsync("mental-health-discovery", Week, CancellationToken.None))!;
        Assert.DoesNotContain(Items(edition), i => i.MemberId == Bo.Id);
        Assert.Equal(["Ada"], Items(edition).Select(i => i.Attribution));
    }

    [Fact]
    public async Task Erasure_removes_the_members_items_from_every_public_edition_and_says_so()
    {
        await using var squad = new TestSquad(tables, "openerase", ThursdayNoon);
        await using var host = squad.StartHost();
        var seeded = await AnsweredWeekAsync(host);
        await PublishAsync(host, seeded);

        var erased = await host.SayAsync(Ada, "erase my data");

        Assert.Contains("your items in 1 public weeknote (gone", erased, StringComparison.Ordinal);
        var edition = (await host.Get<OpenEditionStore>().GetAsync("mental-health-discovery", Week, CancellationToken.None))!;
        Assert.DoesNotContain(Items(edition), i => i.MemberId == Ada.Id);
        Assert.Contains(Items(edition), i => i.MemberId == Cy.Id);
        Assert.Null(await host.Get<PeopleStore>().GetPublicNameAsync(Ada.Id, CancellationToken.None));
    }

    [Fact]
    public async Task Turning_publish_openly_off_deletes_the_public_editions_and_frees_the_address()
    {
        await using var squad = new TestSquad(tables, "openoff", ThursdayNoon);
        await using var host = squad.StartHost();
        var seeded = await AnsweredWeekAsync(host);
        await PublishAsync(host, seeded);
        var store = host.Get<OpenEditionStore>();
        Assert.NotEmpty(await store.ListAsync("mental-health-discovery", CancellationToken.None));
        Assert.NotNull(await host.Get<SquadStore>().FindByOpenSlugAsync("mental-health-discovery", CancellationToken.None));

        var current = (await host.Get<SquadStore>().GetAsync(TestSquad.TeamId, CancellationToken.None))!;
        var card = SetupValues(current);
        card[SetupCards.Inputs.PublishOpenly] = "false";
        var (status, _) = await host.InvokeAsync(Activities.Execute(TestSquad.Lead, "Lena Lead", Verbs.SetupSave, card, TestSquad.TeamId));
        Assert.Equal(HttpStatusCode.OK, status);

        Assert.False((await host.Get<SquadStore>().GetAsync(TestSquad.TeamId, CancellationToken.None))!.Settings.PublishOpenly);
        Assert.Empty(await store.ListAsync("mental-health-discovery", CancellationToken.None));
        Assert.Null(await host.Get<SquadStore>().FindByOpenSlugAsync("mental-health-discovery", CancellationToken.None));
        Assert.Contains("does not publish openly", await host.SayAsync((TestSquad.Lead, "Lena Lead"), "export public"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_slug_another_squad_holds_is_refused_and_nothing_is_saved()
    {
        await using var squad = new TestSquad(tables, "openslug", ThursdayNoon);
        await using var host = squad.StartHost();
        await host.SeedSquadAsync("19:other@thread.tacv2", [("29:olga", "Olga Other")], ["29:olga"], name: "Mental Health Discovery", publishOpenly: true);
        await host.SeedSquadAsync(TestSquad.TeamId, TestSquad.People, [TestSquad.Lead], name: "Platform");
        var current = (await host.Get<SquadStore>().GetAsync(TestSquad.TeamId, CancellationToken.None))!;
        var card = SetupValues(current);
        card[SetupCards.Inputs.PublishOpenly] = "true";
        card[SetupCards.Inputs.OpenSlug] = "Mental Health Discovery";

        var (_, body) = await host.InvokeAsync(Activities.Execute(TestSquad.Lead, "Lena Lead", Verbs.SetupSave, card, TestSquad.TeamId));

        Assert.Contains("Another squad's open weeknote already has the web address name 'mental-health-discovery'", FakeTeams.Text(body!["value"]), StringComparison.Ordinal);
        var after = (await host.Get<SquadStore>().GetAsync(TestSquad.TeamId, CancellationToken.None))!;
        Assert.False(after.Settings.PublishOpenly);
        Assert.Equal(current.SettingsVersion, after.SettingsVersion);
        Assert.Equal("19:other@thread.tacv2", (await host.Get<SquadStore>().FindByOpenSlugAsync("mental-health-discovery", CancellationToken.None))!.Id);
    }

    [Fact]
    public async Task A_setup_card_from_before_publish_openly_was_turned_on_saves_nothing_and_shows_the_difference()
    {
        await using var squad = new TestSquad(tables, "openstale", ThursdayNoon);
        await using var host = squad.StartHost();
        await host.SeedSquadAsync(TestSquad.TeamId, TestSquad.People, [TestSquad.Lead]);
        var monday = (await host.Get<SquadStore>().GetAsync(TestSquad.TeamId, CancellationToken.None))!;
        var turnOn = SetupValues(monday);
        turnOn[SetupCards.Inputs.PublishOpenly] = "true";
        await host.InvokeAsync(Activities.Execute(TestSquad.Lead, "Lena Lead", Verbs.SetupSave, turnOn, TestSquad.TeamId));
        Assert.True((await host.Get<SquadStore>().GetAsync(TestSquad.TeamId, CancellationToken.None))!.Settings.PublishOpenly);

        // Monday's card (Publish openly off, version before) is saved on Wednesday.
        var (_, body) = await host.InvokeAsync(Activities.Execute(TestSquad.Lead, "Lena Lead", Verbs.SetupSave, SetupValues(monday), TestSquad.TeamId));

        var text = FakeTeams.Text(body!["value"]);
        Assert.Contains(SetupCards.ChangedSinceCard, text, StringComparison.Ordinal);
        Assert.Contains("Publish openly — now: on; your card: off", text, StringComparison.Ordinal);
        Assert.True((await host.Get<SquadStore>().GetAsync(TestSquad.TeamId, CancellationToken.None))!.Settings.PublishOpenly);
    }

    [Fact]
    public async Task A_new_public_name_applies_to_future_editions_and_to_past_ones_only_when_asked()
    {
        await using var squad = new TestSquad(tables, "openname", ThursdayNoon);
        await using var host = squad.StartHost();
        var seeded = await AnsweredWeekAsync(host);
        await PublishAsync(host, seeded);
        var store = host.Get<OpenEditionStore>();

        var reply = await host.SayAsync(Ada, "public name full");
        Assert.Contains("from now on name you as your full name", reply, StringComparison.Ordinal);
        Assert.Equal(PublicName.FullName, await host.Get<PeopleStore>().GetPublicNameAsync(Ada.Id, CancellationToken.None));

        // A correction of the published week keeps the name it was published with.
        await host.InvokeAsync(Activities.Execute(TestSquad.Lead, "Lena Lead", Verbs.DigestWithhold, new JsonObject { ["squadId"] = TestSquad.TeamId, ["week"] = Week.ToString(), ["itemId"] = DigestComposer.ItemId(Cy.Id, "highlights") }));
        Assert.Equal(["Ada"], Items((await store.GetAsync("mental-health-discovery", Week, CancellationToken.None))!).Select(i => i.Attribution));

        reply = await host.SayAsync(Ada, "public name full everywhere");
        Assert.Contains("in 1 already published", reply, StringComparison.Ordinal);
        Assert.Equal(["Ada Lovelace"], Items((await store.GetAsync("mental-health-discovery", Week, CancellationToken.None))!).Select(i => i.Attribution));
    }

    [Fact]
    public async Task Retention_sweeps_the_open_editions_of_old_weeks_too()
    {
        await using var squad = new TestSquad(tables, "openkeep", ThursdayNoon);
        await using var host = squad.StartHost();
        var seeded = await AnsweredWeekAsync(host);
        await PublishAsync(host, seeded);
        var store = host.Get<OpenEditionStore>();

        await host.Get<RetentionSweep>().SweepAsync(ThursdayNoon.AddDays(-1), CancellationToken.None);
        Assert.NotNull(await store.GetAsync("mental-health-discovery", Week, CancellationToken.None));

        await host.Get<RetentionSweep>().SweepAsync(ThursdayNoon.AddDays(14), CancellationToken.None);
        Assert.Empty(await store.ListAsync("mental-health-discovery", CancellationToken.None));
    }

    [Theory]
    [InlineData("public name first", CommandKind.PublicName, "first")]
    [InlineData("Public name full everywhere", CommandKind.PublicName, "full everywhere")]
    [InlineData("public name", CommandKind.PublicName, "")]
    [InlineData("Public name for the service is agreed", CommandKind.Unknown, "")]
    [InlineData("export public", CommandKind.Export, "public")]
    [InlineData("export public 2026-W47", CommandKind.Export, "public 2026-W47")]
    [InlineData("export public sector notes", CommandKind.Unknown, "")]
    public void Open_weeknote_commands_are_read_and_sentences_stay_answers(string text, CommandKind kind, string argument)
    {
        var command = Commands.Parse(text);

        Assert.Equal((kind, argument), (command.Kind, command.Argument));
        Assert.Equal(text.Contains("everywhere", StringComparison.Ordinal), Commands.ReadPublicName(command.Argument)?.Everywhere == true);
    }

    /// <summary>The setup card as the lead saves it unchanged, built from <paramref name="squad"/>'s settings now.</summary>
    private static JsonObject SetupValues(Squad squad)
    {
        var input = SettingsValidation.ToInput(squad.Settings);
        return new JsonObject
        {
            ["squadId"] = squad.Id,
            ["version"] = squad.SettingsVersion,
            ["sectionIds"] = new JsonArray(squad.Settings.Sections.Select(s => (JsonNode)JsonValue.Create(s.Id)!).ToArray()),
            [SetupCards.Inputs.Name] = input.Name,
            [SetupCards.Inputs.TimeZone] = input.TimeZoneId,
            [SetupCards.Inputs.Day(CycleStep.Open)] = input.OpenDay,
            [SetupCards.Inputs.Time(CycleStep.Open)] = input.OpenTime,
            [SetupCards.Inputs.Day(CycleStep.Remind)] = input.RemindDay,
            [SetupCards.Inputs.Time(CycleStep.Remind)] = input.RemindTime,
            [SetupCards.Inputs.Day(CycleStep.Compile)] = input.CompileDay,
            [SetupCards.Inputs.Time(CycleStep.Compile)] = input.CompileTime,
            [SetupCards.Inputs.Day(CycleStep.Publish)] = input.PublishDay,
            [SetupCards.Inputs.Time(CycleStep.Publish)] = input.PublishTime,
            [SetupCards.Inputs.Sections] = input.Sections,
            [SetupCards.Inputs.AutoPublish] = input.AutoPublish ? "true" : "false",
            [SetupCards.Inputs.Leads] = string.Join(',', squad.Settings.LeadIds),
            [SetupCards.Inputs.PublishOpenly] = input.PublishOpenly ? "true" : "false",
            [SetupCards.Inputs.OpenSlug] = input.OpenSlug,
            [SetupCards.Inputs.PublicSections] = string.Join(',', input.PublicSectionIds ?? []),
        };
    }
}
