using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using UpdateBot.Answers;
using UpdateBot.Cards;
using UpdateBot.Cycle;
using UpdateBot.Digests;
using UpdateBot.Domain;
using UpdateBot.Localisation;
using UpdateBot.Squads;
using UpdateBot.Storage;
using UpdateBot.Teams.Cards;
using UpdateBot.Tests.Infrastructure;

namespace UpdateBot.Tests;

/// <summary>
/// A weeknote worth reading (issue 14, "Build" 1 and 2) through the real service on Azurite: last week's words on the
/// next prompt, blocker ages on the desk and in the channel, resolve and reopen, the glossary command and the
/// plain-English advice on the desk. Every request path here reads by partition.
/// </summary>
public sealed class ContinuityTests(AzuriteFixture tables) : IClassFixture<AzuriteFixture>
{
    private static readonly DateTimeOffset ThursdayNoon = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
    private static readonly IsoWeek Week = IsoWeek.Parse("2026-W48");
    private const string Blockers = Continuity.BlockersSectionId;

    private static Task<AnswerOutcome> SubmitAsync(BotTestHost host, Squad squad, IsoWeek week, string memberId, string name, params (string Section, string Text)[] answers) =>
        host.InScopeAsync(sp => sp.GetRequiredService<AnswerService>().SubmitAsync(
            new AnswerFor(squad, week, memberId, name), answers.ToDictionary(a => PromptCards.SectionInput(a.Section), a => (string?)a.Text), CancellationToken.None));

    /// <summary>An answer stored straight into an earlier week (the service only writes the weeks that are open).</summary>
    private static Task SeedAnswerAsync(BotTestHost host, IsoWeek week, string memberId, string name, params (string Section, string Text)[] answers) =>
        host.Get<EntryStore>().TrySaveAsync(TestSquad.TeamId, week,
            new Entry(memberId, name, EntryStatus.Answered, answers.ToDictionary(a => a.Section, a => a.Text), ThursdayNoon.AddDays(-7)), null, CancellationToken.None);

    private static Task<Squad> SquadAsync(BotTestHost host) => host.Get<SquadStore>().GetAsync(TestSquad.TeamId, CancellationToken.None)!;

    private static Task<Digest> ComposeAsync(BotTestHost host) =>
        host.InScopeAsync(async sp => await sp.GetRequiredService<DigestService>().ComposeAsync(await SquadAsync(host), Week, CancellationToken.None));

    private static string Text(AdaptiveCard card) => FakeTeams.Text(JsonNode.Parse(CardJson.Serialize(card)));

    private static async Task<string> SayAsync(BotTestHost host, string userId, string name, string text)
    {
        var before = host.Teams.SendsTo(userId).Count;
        host.AssertOk(await host.PostActivityAsync(Activities.PersonalMessage(userId, name, text)));
        return string.Join("\n", host.Teams.SendsTo(userId).Skip(before).Select(r => FakeTeams.Text(r.Json)));
    }

    [Fact]
    public async Task The_prompt_shows_last_weeks_carry_forward_answers_without_filling_them_in()
    {
        await using var squad = new TestSquad(tables, "Carry", ThursdayNoon);
        var host = squad.StartHost();
        var seeded = await host.SeedSquadAsync(TestSquad.TeamId, TestSquad.People, [TestSquad.Lead]);
        await SeedAnswerAsync(host, Week.Previous(), "29:ada", "Ada Lovelace", ("next-week", "Book the research venue"), ("highlights", "Not carried"));

        await host.InScopeAsync(sp => sp.GetRequiredService<CycleRunner>().RunAsync(seeded, Week, CycleStep.Open, CancellationToken.None));

        var prompt = FakeTeams.Text(FakeTeams.Card(Assert.Single(squad.Prompts("29:ada")).Json));
        Assert.Contains("Next week · Last week you said: “Book the research venue” — what happened?", prompt, StringComparison.Ordinal);
        Assert.DoesNotContain("Not carried", prompt, StringComparison.Ordinal);
        Assert.DoesNotContain("Last week you said", FakeTeams.Text(FakeTeams.Card(Assert.Single(squad.Prompts("29:bo")).Json)), StringComparison.Ordinal);
        var inputs = FakeTeams.Card(squad.Prompts("29:ada")[0].Json)!.ToJsonString();
        Assert.DoesNotContain("\"value\":\"Book the research venue\"", inputs, StringComparison.Ordinal);

        // Refreshing or editing the card (the same form built again) keeps showing it.
        var view = await host.InScopeAsync(sp => sp.GetRequiredService<AnswerService>().ViewAsync(new AnswerFor(seeded, Week, "29:ada", "Ada Lovelace"), forceForm: true, CancellationToken.None));
        Assert.Contains("Book the research venue", Text(view), StringComparison.Ordinal);
        Assert.Empty(squad.Storage.QueriesWithoutPartitionKey());
    }

    [Fact]
    public async Task A_repeated_blocker_shows_its_age_and_a_lead_can_resolve_and_reopen_it()
    {
        await using var squad = new TestSquad(tables, "Blockers", ThursdayNoon);
        var host = squad.StartHost();
        var seeded = await host.SeedSquadAsync(TestSquad.TeamId, TestSquad.People, [TestSquad.Lead], autoPublish: false);
        await SeedAnswerAsync(host, Week.Previous().Previous(), "29:bo", "Bo Diddley", (Blockers, "Waiting for IG sign off"));
        await SeedAnswerAsync(host, Week.Previous(), "29:bo", "Bo Diddley", (Blockers, "Still waiting for IG sign-off"));
        await SubmitAsync(host, seeded, Week, "29:bo", "Bo Diddley", (Blockers, "Still waiting on IG sign-off from the trust"));
        await SubmitAsync(host, seeded, Week, "29:ada", "Ada Lovelace", (Blockers, "Need a venue"));

        var digest = await ComposeAsync(host);
        var bo = digest.Sections.Single().Items.Single(i => i.MemberId == "29:bo");
        Assert.Equal("open 3 weeks", DigestCards.AgeText(bo.Blockers.Single(), Texts.English));
        Assert.Equal("new this week", DigestCards.AgeText(digest.Sections.Single().Items.Single(i => i.MemberId == "29:ada").Blockers.Single(), Texts.English));
        Assert.Contains("⏳ open 3 weeks", string.Concat(DigestCards.ChannelCards(digest).Select(Text)), StringComparison.Ordinal);

        var desk = Text((await host.InScopeAsync(async sp => await sp.GetRequiredService<DigestService>().ReviewItemCardAsync(seeded, Week, TestSquad.Lead, bo.ItemId, CancellationToken.None)))!);
        Assert.Contains($"Blocker: open 3 weeks (since {Week.Previous().Previous()})", desk, StringComparison.Ordinal);

        JsonObject Resolve() => new() { ["squadId"] = TestSquad.TeamId, ["week"] = Week.ToString(), ["itemId"] = bo.ItemId, ["key"] = bo.Blockers.Single().Key };
        var (_, resolved) = await host.InvokeAsync(Activities.Execute(TestSquad.Lead, "Lena Lead", Verbs.DigestResolve, Resolve()));
        Assert.Contains("resolved after 3 weeks", FakeTeams.Text(resolved!["value"]), StringComparison.Ordinal);
        Assert.Contains("Reopen", resolved!["value"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.True((await ComposeAsync(host)).Sections.Single().Items.Single(i => i.MemberId == "29:bo").Blockers.Single().Resolved);

        var (_, reopened) = await host.InvokeAsync(Activities.Execute(TestSquad.Lead, "Lena Lead", Verbs.DigestReopen, Resolve()));
        Assert.Contains("open 3 weeks", FakeTeams.Text(reopened!["value"]), StringComparison.Ordinal);
        Assert.False((await ComposeAsync(host)).Sections.Single().Items.Single(i => i.MemberId == "29:bo").Blockers.Single().Resolved);
        Assert.Empty(squad.Storage.QueriesWithoutPartitionKey());
    }

    [Fact]
    public async Task Only_a_lead_can_resolve_and_only_a_blocker_the_draft_has()
    {
        await using var squad = new TestSquad(tables, "Resolve", ThursdayNoon);
        var host = squad.StartHost();
        var seeded = await host.SeedSquadAsync(TestSquad.TeamId, TestSquad.People, [TestSquad.Lead], autoPublish: false);
        await SubmitAsync(host, seeded, Week, "29:bo", "Bo Diddley", (Blockers, "Need a designer"));
        var itemId = DigestComposer.ItemId("29:bo", Blockers);

        var madeUp = new JsonObject { ["squadId"] = TestSquad.TeamId, ["week"] = Week.ToString(), ["itemId"] = itemId, ["key"] = "not-a-key" };
        var (status, _) = await host.InvokeAsync(Activities.Execute(TestSquad.Lead, "Lena Lead", Verbs.DigestResolve, madeUp));
        Assert.Equal(System.Net.HttpStatusCode.OK, status);
        Assert.Empty(await host.Get<CycleStore>().ListResolvedBlockersAsync(TestSquad.TeamId, Week, CancellationToken.None));

        var real = new JsonObject { ["squadId"] = TestSquad.TeamId, ["week"] = Week.ToString(), ["itemId"] = itemId, ["key"] = Continuity.BlockerKey("Need a designer") };
        await host.InvokeAsync(Activities.Execute("29:ada", "Ada Lovelace", Verbs.DigestResolve, real));
        Assert.Empty(await host.Get<CycleStore>().ListResolvedBlockersAsync(TestSquad.TeamId, Week, CancellationToken.None));
    }

    [Fact]
    public async Task The_desk_gives_plain_english_advice_and_the_glossary_command_teaches_it_an_acronym()
    {
        await using var squad = new TestSquad(tables, "Plain", ThursdayNoon);
        var host = squad.StartHost();
        var seeded = await host.SeedSquadAsync(TestSquad.TeamId, TestSquad.People, [TestSquad.Lead], autoPublish: false);
        await SubmitAsync(host, seeded, Week, "29:bo", "Bo Diddley", ("highlights", "As discussed, we met the PCN. Notes [here](https://example.org/notes)."));
        var itemId = DigestComposer.ItemId("29:bo", "highlights");

        async Task<string> DeskAsync() => Text((await host.InScopeAsync(async sp => await sp.GetRequiredService<DigestService>().ReviewItemCardAsync(await SquadAsync(host), Week, TestSquad.Lead, itemId, CancellationToken.None)))!);
        var before = await DeskAsync();
        Assert.Contains(ReviewCards.PlainEnglishPrefix, before, StringComparison.Ordinal);
        Assert.Contains("“as discussed” only makes sense inside the team", before, StringComparison.Ordinal);
        Assert.Contains("glossary add PCN", before, StringComparison.Ordinal);

        Assert.Contains("glossary: PCN = primary care network", await SayAsync(host, TestSquad.Lead, "Lena Lead", "glossary add pcn = primary care network"), StringComparison.Ordinal);
        Assert.Contains("primary care network (PCN)", await DeskAsync(), StringComparison.Ordinal);
        Assert.Contains("- PCN = primary care network", await SayAsync(host, TestSquad.Lead, "Lena Lead", "glossary"), StringComparison.Ordinal);

        // Not a lead: nothing changes. A setup card built before the glossary changed still saves.
        Assert.Contains("Only a lead", await SayAsync(host, "29:bo", "Bo Diddley", "glossary add XYZ = something"), StringComparison.Ordinal);
        Assert.Contains("PCN is not in", await SayAsync(host, TestSquad.Lead, "Lena Lead", "glossary remove PCN"), StringComparison.Ordinal);
        Assert.Empty((await SquadAsync(host)).Settings.Glossary);
        Assert.Equal(seeded.SettingsVersion, (await SquadAsync(host)).SettingsVersion);

        // Advice never blocks: the weeknote publishes as written.
        var published = await host.InScopeAsync(async sp => await sp.GetRequiredService<DigestService>().PublishAsync(await SquadAsync(host), Week, "Lena Lead", CancellationToken.None));
        Assert.Equal(PublishState.Published, published.State);
        Assert.Contains("As discussed, we met the PCN.", FakeTeams.Text(Assert.Single(squad.Teams.ChannelPosts).Json), StringComparison.Ordinal);
    }

    [Fact]
    public async Task My_data_lists_and_erasure_removes_the_resolve_marks_about_a_members_blockers()
    {
        await using var squad = new TestSquad(tables, "EraseMarks", ThursdayNoon);
        var host = squad.StartHost();
        await host.SeedSquadAsync(TestSquad.TeamId, TestSquad.People, [TestSquad.Lead], autoPublish: false);
        await host.Get<CycleStore>().SetBlockerResolvedAsync(TestSquad.TeamId, Week, "29:bo", Continuity.BlockerKey("Need a designer"), resolved: true, TestSquad.Lead, CancellationToken.None);
        await host.Get<CycleStore>().SetBlockerResolvedAsync(TestSquad.TeamId, Week, "29:ada", Continuity.BlockerKey("Need a venue"), resolved: true, TestSquad.Lead, CancellationToken.None);

        var described = await host.InScopeAsync(sp => sp.GetRequiredService<PrivacyService>().DescribeAsync("29:bo", CancellationToken.None));
        Assert.Contains("Blockers of yours a lead marked resolved (the marks hold no words): 1.", described, StringComparison.Ordinal);

        await host.InScopeAsync(sp => sp.GetRequiredService<PrivacyService>().EraseAsync("29:bo", CancellationToken.None));

        var left = await host.Get<CycleStore>().ListResolvedBlockersAsync(TestSquad.TeamId, Week, CancellationToken.None);
        Assert.Equal(["29:ada"], left.Select(m => m.MemberId));
    }

    [Fact]
    public async Task My_data_counts_and_erasure_takes_a_leads_id_off_the_resolve_marks_they_made_on_others_blockers()
    {
        await using var squad = new TestSquad(tables, "MarksMade", ThursdayNoon);
        var host = squad.StartHost();
        await host.SeedSquadAsync(TestSquad.TeamId, TestSquad.People, [TestSquad.Lead], autoPublish: false);
        var store = host.Get<CycleStore>();
        await store.SetBlockerResolvedAsync(TestSquad.TeamId, Week, "29:bo", Continuity.BlockerKey("Need a designer"), resolved: true, TestSquad.Lead, CancellationToken.None);
        await store.SetBlockerResolvedAsync(TestSquad.TeamId, Week.Previous(), "29:ada", Continuity.BlockerKey("Need a venue"), resolved: true, TestSquad.Lead, CancellationToken.None);
        await store.SetBlockerResolvedAsync(TestSquad.TeamId, Week, "29:ada", Continuity.BlockerKey("Need a room"), resolved: true, "29:cy", CancellationToken.None);

        var described = await host.InScopeAsync(sp => sp.GetRequiredService<PrivacyService>().DescribeAsync(TestSquad.Lead, CancellationToken.None));
        Assert.Contains("Others' blockers you marked resolved as a lead (each mark holds your Teams id, no words): 2.", described, StringComparison.Ordinal);

        await host.InScopeAsync(sp => sp.GetRequiredService<PrivacyService>().EraseAsync(TestSquad.Lead, CancellationToken.None));

        // The blockers stay resolved; no mark names the lead any more, and another lead's mark keeps its own id.
        Assert.Empty(await store.ListResolvedBlockersByAsync(TestSquad.TeamId, TestSquad.Lead, CancellationToken.None));
        var marks = (await store.ListResolvedBlockersOfAsync(TestSquad.TeamId, "29:bo", CancellationToken.None))
            .Concat(await store.ListResolvedBlockersOfAsync(TestSquad.TeamId, "29:ada", CancellationToken.None)).ToList();
        Assert.Equal(3, marks.Count);
        Assert.Equal(new string?[] { null, null, "29:cy" }, marks.Select(m => m.ResolvedBy).Order());
    }
}
