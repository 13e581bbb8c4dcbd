using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using UpdateBot.Answers;
using UpdateBot.Cards;
using UpdateBot.Digests;
using UpdateBot.Domain;
using UpdateBot.Squads;
using UpdateBot.Storage;
using UpdateBot.Teams.Cards;
using UpdateBot.Tests.Infrastructure;

namespace UpdateBot.Tests;

/// <summary>
/// A member's words are never lost or misrouted (issue 10, "Build" 3, 4, 5 and 7): stable section ids, stale forms
/// caught, the member's latest words win over a lead's edit, and storage within its limits.
/// </summary>
public sealed class MemberWordsTests(AzuriteFixture tables) : IClassFixture<AzuriteFixture>
{
    private const string SecondLead = "29:ada";
    private static readonly DateTimeOffset MondayNoon = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset ThursdayNoon = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset FridayPublish = new(2026, 11, 27, 16, 0, 0, TimeSpan.Zero);
    private static readonly IsoWeek Week = IsoWeek.Parse("2026-W48");

    /// <summary>What Teams sends when the lead presses "Save settings" on <paramref name="card"/>: its action data plus every input's value.</summary>
    private static JsonObject SaveData(AdaptiveCard card, Func<string, string?, string?>? type = null)
    {
        var json = JsonNode.Parse(CardJson.Serialize(card))!;
        var data = Nodes(json).OfType<JsonObject>().First(n => n["verb"]?.GetValue<string>() == Verbs.SetupSave)["data"]!.DeepClone().AsObject();
        foreach (var input in Nodes(json).OfType<JsonObject>().Where(n => n["type"]?.GetValue<string>()?.StartsWith("Input.", StringComparison.Ordinal) == true))
        {
            var id = input["id"]!.GetValue<string>();
            var value = input["value"]?.GetValue<string>();
            data[id] = type?.Invoke(id, value) ?? value;
        }

        return data;
    }

    private static IEnumerable<JsonNode> Nodes(JsonNode? node) => node switch
    {
        JsonObject o => new[] { (JsonNode)o }.Concat(o.SelectMany(p => Nodes(p.Value))),
        JsonArray a => a.SelectMany(Nodes),
        _ => [],
    };

    private static async Task<AdaptiveCard> SetupCardAsync(BotTestHost host)
    {
        var squad = (await host.Get<SquadStore>().GetAsync(TestSquad.TeamId, CancellationToken.None))!;
        var roster = await host.Get<MemberStore>().ListAsync(TestSquad.TeamId, CancellationToken.None);
        return SetupCards.Form(squad, null, [], roster);
    }

    private static Task<TResult> InScope<TResult>(BotTestHost host, Func<IServiceProvider, Task<TResult>> work) => host.InScopeAsync(work);

    private static Task<AnswerOutcome> SubmitAsync(BotTestHost host, Squad squad, string memberId, string name, params (string Section, string Text)[] answers) =>
        InScope(host, sp => sp.GetRequiredService<AnswerService>().SubmitAsync(
            new AnswerFor(squad, Week, memberId, name), answers.ToDictionary(a => PromptCards.SectionInput(a.Section), a => (string?)a.Text), CancellationToken.None));

    private static Task<Digest> ComposeAsync(BotTestHost host) =>
        InScope(host, async sp => await sp.GetRequiredService<DigestService>().ComposeAsync((await sp.GetRequiredService<SquadStore>().GetAsync(TestSquad.TeamId, CancellationToken.None))!, Week, CancellationToken.None));

    private static Task<Squad> SquadAsync(BotTestHost host) => host.Get<SquadStore>().GetAsync(TestSquad.TeamId, CancellationToken.None)!;

    private static JsonObject EditData(DigestItem item, string text) => new()
    {
        ["squadId"] = TestSquad.TeamId,
        ["week"] = Week.ToString(),
        ["itemId"] = item.ItemId,
        ["basis"] = DigestCards.Fingerprint(item.Text),
        ["inputId"] = "text0",
        ["text0"] = text,
    };

    // --- Stable section ids ---

    [Fact]
    public async Task Fixing_a_typo_in_a_section_title_keeps_its_id_and_the_weeks_answers_in_the_draft()
    {
        await using var squad = new TestSquad(tables, "Rename", ThursdayNoon);
        var host = squad.StartHost();
        var seeded = await host.SeedSquadAsync(TestSquad.TeamId, TestSquad.People, [TestSquad.Lead]);
        await SubmitAsync(host, seeded, "29:bo", "Bo Diddley", ("discovery-and-delivery", "Shipped the beat"));

        var card = await SetupCardAsync(host);
        var save = SaveData(card, (id, value) => id == SetupCards.Inputs.Sections ? value!.Replace("Discovery and delivery", "Discovery & delivery", StringComparison.Ordinal) : null);
        var (_, body) = await host.InvokeAsync(Activities.Execute(TestSquad.Lead, "Lena Lead", Verbs.SetupSave, save, TestSquad.TeamId));
        Assert.Contains(SetupCards.SavedTitle, FakeTeams.Text(body!["value"]));
        Assert.Contains("renamed Discovery and delivery → Discovery & delivery", FakeTeams.Text(body!["value"]));

        var renamed = (await SquadAsync(host)).Settings.Sections.Single(s => s.Title == "Discovery & delivery");
        Assert.Equal("discovery-and-delivery", renamed.Id);
        var section = Assert.Single((await ComposeAsync(host)).Sections);
        Assert.Equal("Discovery & delivery", section.Title);
        Assert.Equal("Shipped the beat", Assert.Single(section.Items).Text);
    }

    [Fact]
    public async Task A_prompt_card_from_before_a_rename_saves_its_answers_under_the_renamed_section()
    {
        await using var squad = new TestSquad(tables, "OldPrompt", ThursdayNoon);
        var host = squad.StartHost();
        await host.SeedSquadAsync(TestSquad.TeamId, TestSquad.People, [TestSquad.Lead]);

        // The member's prompt card was built before the lead renamed (and moved) a section.
        var save = SaveData(await SetupCardAsync(host), (id, value) => id == SetupCards.Inputs.Sections
            ? "Highlights\nDiscovery & delivery\nCapability and learning\nPeople we met\nRecruitment and team\nReading and links\nBlockers and asks"
            : null);
        await host.InvokeAsync(Activities.Execute(TestSquad.Lead, "Lena Lead", Verbs.SetupSave, save, TestSquad.TeamId));
        var reorder = SaveData(await SetupCardAsync(host), (id, value) => id == SetupCards.Inputs.Sections
            ? "Blockers and asks\nHighlights\nDiscovery & delivery\nCapability and learning\nPeople we met\nRecruitment and team\nReading and links"
            : null);
        await host.InvokeAsync(Activities.Execute(TestSquad.Lead, "Lena Lead", Verbs.SetupSave, reorder, TestSquad.TeamId));

        var data = new JsonObject { ["squadId"] = TestSquad.TeamId, ["week"] = Week.ToString(), [PromptCards.SectionInput("discovery-and-delivery")] = "Ran the user research" };
        var (_, body) = await host.InvokeAsync(Activities.Execute("29:bo", "Bo Diddley", Verbs.PromptSubmit, data));
        Assert.Contains("Ran the user research", FakeTeams.Text(body!["value"]));

        var entry = (await host.Get<EntryStore>().GetAsync(TestSquad.TeamId, Week, "29:bo", CancellationToken.None))!.Entry;
        Assert.Equal(EntryStatus.Answered, entry.Status);
        Assert.Equal("Ran the user research", entry.Answers["discovery-and-delivery"]);
        Assert.Equal("Discovery & delivery", Assert.Single((await ComposeAsync(host)).Sections).Title);
        Assert.Equal("blockers-and-asks", (await SquadAsync(host)).Settings.Sections[0].Id);
    }

    [Fact]
    public async Task A_section_removed_mid_week_keeps_its_answers_in_the_draft_and_a_new_section_never_takes_its_id()
    {
        await using var squad = new TestSquad(tables, "Removed", ThursdayNoon);
        var host = squad.StartHost();
        var seeded = await host.SeedSquadAsync(TestSquad.TeamId, TestSquad.People, [TestSquad.Lead]);
        await SubmitAsync(host, seeded, "29:bo", "Bo Diddley", ("highlights", "Shipped the beat"), ("people-we-met", "Met the ICB"));

        var save = SaveData(await SetupCardAsync(host), (id, _) => id == SetupCards.Inputs.Sections ? "Highlights\nPeople met" : null);
        var (_, body) = await host.InvokeAsync(Activities.Execute(TestSquad.Lead, "Lena Lead", Verbs.SetupSave, save, TestSquad.TeamId));
        Assert.Contains(SetupCards.SavedTitle, FakeTeams.Text(body!["value"]));
        var settings = (await SquadAsync(host)).Settings;
        Assert.Equal(["highlights", "discovery-and-delivery"], settings.Sections.Select(s => s.Id)); // "People met" typed over line 2: a rename
        Assert.Contains("removed People we met (this week's answers stay in the draft)", FakeTeams.Text(body!["value"]));

        // The member edits with today's form (it no longer shows "People we met"): that answer stays, under its old title.
        await SubmitAsync(host, await SquadAsync(host), "29:bo", "Bo Diddley", ("highlights", "Shipped the beat, on time"));
        var digest = await ComposeAsync(host);
        Assert.Equal(["Highlights", "People we met"], digest.Sections.Select(s => s.Title));
        Assert.Equal("Met the ICB", digest.Sections[1].Items.Single().Text);

        // Adding a section with a removed section's slug gets a new id, so it never inherits those answers.
        var add = SaveData(await SetupCardAsync(host), (id, value) => id == SetupCards.Inputs.Sections ? value + "\nPeople we met!" : null);
        await host.InvokeAsync(Activities.Execute(TestSquad.Lead, "Lena Lead", Verbs.SetupSave, add, TestSquad.TeamId));
        Assert.Equal("people-we-met-2", (await SquadAsync(host)).Settings.Sections[^1].Id);
    }

    // --- Stale forms ---

    [Fact]
    public async Task A_setup_card_from_monday_saved_on_wednesday_after_tuesdays_change_is_refused_with_the_differences()
    {
        await using var squad = new TestSquad(tables, "StaleSetup", MondayNoon);
        var host = squad.StartHost();
        await host.SeedSquadAsync(TestSquad.TeamId, TestSquad.People, [TestSquad.Lead, SecondLead]);
        var monday = await SetupCardAsync(host);

        // Tuesday: the other lead removes Ada as a lead and renames the squad.
        squad.Time.Advance(TimeSpan.FromDays(1));
        var tuesday = SaveData(await SetupCardAsync(host), (id, _) => id switch
        {
            SetupCards.Inputs.Leads => TestSquad.Lead,
            SetupCards.Inputs.Name => "Platform team",
            _ => null,
        });
        var (_, saved) = await host.InvokeAsync(Activities.Execute(SecondLead, "Ada Lovelace", Verbs.SetupSave, tuesday, TestSquad.TeamId));
        Assert.Contains(SetupCards.SavedTitle, FakeTeams.Text(saved!["value"]));
        var afterTuesday = await SquadAsync(host);

        // Wednesday: Monday's card is saved as it was.
        squad.Time.Advance(TimeSpan.FromDays(1));
        var (_, body) = await host.InvokeAsync(Activities.Execute(TestSquad.Lead, "Lena Lead", Verbs.SetupSave, SaveData(monday), TestSquad.TeamId));

        var text = FakeTeams.Text(body!["value"]);
        Assert.Contains(SetupCards.ChangedSinceCard, text);
        Assert.Contains("Squad name — now: Platform team; your card: Platform", text);
        Assert.Contains("Leads — now: Lena Lead; your card: Ada Lovelace, Lena Lead", text);
        var after = await SquadAsync(host);
        Assert.Equal([TestSquad.Lead], after.Settings.LeadIds); // the removed lead is not reinstated
        Assert.Equal("Platform team", after.Settings.Name);
        Assert.Equal(afterTuesday.SettingsVersion, after.SettingsVersion);

        // The card that came back is built from the settings now: saving it works.
        var (_, again) = await host.InvokeAsync(Activities.Execute(TestSquad.Lead, "Lena Lead", Verbs.SetupSave, SaveData(await SetupCardAsync(host)), TestSquad.TeamId));
        Assert.Contains(SetupCards.SavedTitle, FakeTeams.Text(again!["value"]));
    }

    [Fact]
    public async Task A_review_desk_edit_against_a_newer_draft_is_refused_with_both_texts()
    {
        await using var squad = new TestSquad(tables, "StaleEdit", ThursdayNoon);
        var host = squad.StartHost();
        var seeded = await host.SeedSquadAsync(TestSquad.TeamId, TestSquad.People, [TestSquad.Lead, SecondLead]);
        await SubmitAsync(host, seeded, "29:bo", "Bo Diddley", ("highlights", "Bo shipped the beat"));
        var item = (await ComposeAsync(host)).Sections[0].Items.Single();

        // The member changes their answer after the lead's card was built.
        await SubmitAsync(host, seeded, "29:bo", "Bo Diddley", ("highlights", "Bo shipped the beat and the bass"));
        var (_, body) = await host.InvokeAsync(Activities.Execute(TestSquad.Lead, "Lena Lead", Verbs.DigestEdit, EditData(item, "Bo shipped the beat (tidied)")));

        var text = FakeTeams.Text(body!["value"]);
        Assert.Contains("Not saved: this item changed since your card was built", text);
        Assert.Contains("Bo shipped the beat and the bass", text);
        Assert.Contains("Bo shipped the beat (tidied)", text);
        var (edits, _) = await host.Get<CycleStore>().GetDraftAsync(TestSquad.TeamId, Week, CancellationToken.None);
        Assert.Empty(edits.ItemEdits);
    }

    // --- The member's latest words win ---

    [Fact]
    public async Task A_members_answer_after_a_leads_edit_is_what_the_channel_shows_and_the_desk_says_so()
    {
        await using var squad = new TestSquad(tables, "Latest", ThursdayNoon);
        var host = squad.StartHost();
        var seeded = await host.SeedSquadAsync(TestSquad.TeamId, TestSquad.People, [TestSquad.Lead], autoPublish: false);
        await SubmitAsync(host, seeded, "29:bo", "Bo Diddley", ("highlights", "Bo shiped the beat"));
        var item = (await ComposeAsync(host)).Sections[0].Items.Single();
        await host.InvokeAsync(Activities.Execute(TestSquad.Lead, "Lena Lead", Verbs.DigestEdit, EditData(item, "Bo shipped the beat")));
        Assert.Equal("Bo shipped the beat", (await ComposeAsync(host)).Sections[0].Items.Single().Text);

        await SubmitAsync(host, seeded, "29:bo", "Bo Diddley", ("highlights", "Bo shipped the beat, and a new one"));

        var latest = (await ComposeAsync(host)).Sections[0].Items.Single();
        Assert.Equal("Bo shipped the beat, and a new one", latest.Text);
        Assert.True(latest.ChangedByAuthor);
        var desk = await InScope(host, async sp => await sp.GetRequiredService<DigestService>().ReviewItemCardAsync(await SquadAsync(host), Week, TestSquad.Lead, item.ItemId, CancellationToken.None));
        Assert.Contains("Bo Diddley changed their answer after a lead edited it", FakeTeams.Text(JsonNode.Parse(CardJson.Serialize(desk!))));

        var published = await InScope(host, async sp => await sp.GetRequiredService<DigestService>().PublishAsync(await SquadAsync(host), Week, "Lena Lead", CancellationToken.None));
        Assert.Equal(PublishState.Published, published.State);
        var post = FakeTeams.Text(Assert.Single(squad.Teams.ChannelPosts).Json);
        Assert.Contains("Bo shipped the beat, and a new one", post);
    }

    [Fact]
    public async Task Each_lead_edit_is_its_own_row_and_erasure_removes_the_leads_edits_of_the_members_words()
    {
        await using var squad = new TestSquad(tables, "EraseEdits", ThursdayNoon);
        var host = squad.StartHost();
        var seeded = await host.SeedSquadAsync(TestSquad.TeamId, TestSquad.People, [TestSquad.Lead], autoPublish: false);
        await SubmitAsync(host, seeded, "29:bo", "Bo Diddley", ("highlights", "Bo's private words"));
        await SubmitAsync(host, seeded, "29:cy", "Cy Twombly", ("highlights", "Cy painted the wall"));
        foreach (var item in (await ComposeAsync(host)).Sections[0].Items)
        {
            await host.InvokeAsync(Activities.Execute(TestSquad.Lead, "Lena Lead", Verbs.DigestEdit, EditData(item, item.Text + " (edited by the lead)")));
        }

        var cycle = host.Get<Tables>().Cycle;
        var partition = EntryStore.Partition(TestSquad.TeamId, Week);
        List<LeadEditRow> EditRows() => cycle.Query<LeadEditRow>(r => r.PartitionKey == partition).Where(r => r.RowKey.StartsWith("edit|", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, EditRows().Count);
        Assert.Null(cycle.GetEntity<DraftRow>(partition, "draft").Value.EditedJson);

        await InScope(host, sp => sp.GetRequiredService<PrivacyService>().EraseAsync("29:bo", CancellationToken.None));
        Assert.Equal(["29:cy"], EditRows().Select(r => r.MemberId));

        // The same words again after erasure: the lead's edited copy of the erased text does not come back.
        await SubmitAsync(host, seeded, "29:bo", "Bo Diddley", ("highlights", "Bo's private words"));
        var texts = (await ComposeAsync(host)).Sections[0].Items.Select(i => i.Text).ToList();
        Assert.Contains("Bo's private words", texts);
        Assert.DoesNotContain("Bo's private words (edited by the lead)", texts);
        Assert.Contains("Cy painted the wall (edited by the lead)", texts);
    }

    // --- Storage within its limits ---

    public static TheoryData<string, string> Languages => new()
    {
        { "Welsh", "Mae'r tîm wedi gweithio'n galed iawn yr wythnos hon ar y gwasanaeth newydd; dŵr, tân, ŵyn, ŷd, â, ê, î, ô, û. " },
        { "Polish", "Zespół ciężko pracował w tym tygodniu nad nową usługą: źdźbło, żółć, gęś, ślązak, łódź. " },
        { "Greek", "Η ομάδα δούλεψε σκληρά αυτή την εβδομάδα στη νέα υπηρεσία· ευχαριστούμε όλους για τη βοήθεια. " },
        { "Arabic", "عمل الفريق بجد هذا الأسبوع على الخدمة الجديدة، وشكراً لكل من ساعد في الاختبار والتصميم. " },
    };

    private static string Fill(string sample, int length)
    {
        var text = string.Concat(Enumerable.Repeat(sample, (length / sample.Length) + 1));
        return text[..length].TrimEnd() is var cut && cut.Length == length ? cut : cut + new string('.', length - cut.Length);
    }

    [Theory]
    [MemberData(nameof(Languages))]
    public async Task Three_answers_of_2000_characters_in_non_latin_and_accented_scripts_save_and_publish(string language, string sample)
    {
        await using var squad = new TestSquad(tables, "Lang" + language, ThursdayNoon);
        var host = squad.StartHost();
        var seeded = await host.SeedSquadAsync(TestSquad.TeamId, TestSquad.People, [TestSquad.Lead]);
        string[] sections = ["highlights", "discovery-and-delivery", "blockers-and-asks"];
        var answers = sections.Select((s, i) => (s, i + Fill(sample, AnswerText.MaxSectionLength - 1))).ToArray();
        Assert.All(answers, a => Assert.Equal(AnswerText.MaxSectionLength, a.Item2.Length));

        var outcome = await SubmitAsync(host, seeded, "29:bo", "Bo Diddley", answers);

        Assert.True(outcome.Saved, outcome.Message);
        var storage = host.Get<Tables>();
        var row = storage.Service.GetTableClient(EntryStore.WeekTableName(storage.Prefix, Week)).GetEntity<EntryRow>(EntryStore.Partition(TestSquad.TeamId, Week), TableKey.Encode("29:bo")).Value;
        Assert.InRange(row.AnswersJson.Length, 3 * AnswerText.MaxSectionLength, StoredText.MaxPropertyChars);
        var stored = (await host.Get<EntryStore>().GetAsync(TestSquad.TeamId, Week, "29:bo", CancellationToken.None))!.Entry;
        Assert.All(answers, a => Assert.Equal(a.Item2, stored.Answers[a.s]));

        squad.Time.Advance(FridayPublish - squad.Time.GetUtcNow());
        await host.TickAsync();
        var markdown = await InScope(host, async sp => await sp.GetRequiredService<DigestService>().ExportAsync(await SquadAsync(host), Week, CancellationToken.None));
        Assert.NotNull(await host.Get<EditionStore>().GetAsync(TestSquad.TeamId, Week, CancellationToken.None));
        Assert.All(answers, a => Assert.Contains(a.Item2, markdown));
        Assert.NotEmpty(squad.Teams.ChannelPosts);
    }

    [Fact]
    public async Task A_weeknote_over_32768_characters_is_saved_after_posting_and_exported_whole()
    {
        await using var squad = new TestSquad(tables, "LongNote", ThursdayNoon);
        var host = squad.StartHost();
        var seeded = await host.SeedSquadAsync(TestSquad.TeamId, TestSquad.People, [TestSquad.Lead]);
        string[] sections = ["highlights", "discovery-and-delivery", "capability-and-learning", "people-we-met", "blockers-and-asks"];
        foreach (var (id, name) in TestSquad.People.Skip(1))
        {
            var outcome = await SubmitAsync(host, seeded, id, name, sections.Select(s => (s, Fill($"{name} on {s}: all went well. ", AnswerText.MaxSectionLength))).ToArray());
            Assert.True(outcome.Saved, outcome.Message);
        }

        squad.Time.Advance(FridayPublish - squad.Time.GetUtcNow());
        await host.TickAsync();
        await host.TickAsync();

        var expected = WeeknoteMarkdown.Render(await InScope(host, async sp => await sp.GetRequiredService<DigestService>().ComposeAsync(await SquadAsync(host), Week, CancellationToken.None, 1)));
        Assert.True(expected.Length > StoredText.MaxPropertyChars, $"{expected.Length:N0} characters");
        var row = host.Get<Tables>().Editions.GetEntity<EditionRow>(TableKey.Encode(TestSquad.TeamId), Week.ToString()).Value;
        Assert.InRange(row.Markdown.Length, 1, StoredText.MaxPropertyChars);

        var exported = await InScope(host, async sp => await sp.GetRequiredService<DigestService>().ExportAsync(await SquadAsync(host), Week, CancellationToken.None));
        Assert.Equal(expected, exported);
        var history = await InScope(host, async sp => await sp.GetRequiredService<DigestService>().HistoryAsync(await SquadAsync(host), CancellationToken.None));
        // History lists editions without reading their Markdown; the long one is listed like any other.
        Assert.Equal(1, Assert.Single(history).Edition);
    }

    [Fact]
    public async Task Move_cannot_push_an_item_past_2000_characters()
    {
        await using var squad = new TestSquad(tables, "MoveLimit", ThursdayNoon);
        var host = squad.StartHost();
        var seeded = await host.SeedSquadAsync(TestSquad.TeamId, TestSquad.People, [TestSquad.Lead]);
        var nearlyFull = Fill("Blocked on the data share. ", AnswerText.MaxSectionLength - 10);
        await SubmitAsync(host, seeded, "29:bo", "Bo Diddley", ("blockers-and-asks", nearlyFull));
        await InScope(host, sp => sp.GetRequiredService<AnswerService>().CaptureAsync(new AnswerFor(seeded, Week, "29:bo", "Bo Diddley"), "Also waiting on the ICB for sign-off", CancellationToken.None));

        var moved = await InScope(host, sp => sp.GetRequiredService<AnswerService>().MoveCaptureAsync(
            new AnswerFor(seeded, Week, "29:bo", "Bo Diddley"), "highlights", "blockers-and-asks", "Also waiting on the ICB for sign-off", CancellationToken.None));

        Assert.False(moved.Saved);
        Assert.Contains("the limit is 2,000", moved.Message);
        var entry = (await host.Get<EntryStore>().GetAsync(TestSquad.TeamId, Week, "29:bo", CancellationToken.None))!.Entry;
        Assert.Equal(nearlyFull, entry.Answers["blockers-and-asks"]);
        Assert.Equal("Also waiting on the ICB for sign-off", entry.Answers["highlights"]);
    }

    [Fact]
    public async Task Answers_too_large_to_store_as_a_whole_get_a_clear_message_and_nothing_is_lost_or_thrown()
    {
        await using var squad = new TestSquad(tables, "TooLarge", ThursdayNoon);
        var host = squad.StartHost();
        var seeded = await host.SeedSquadAsync(TestSquad.TeamId, TestSquad.People, [TestSquad.Lead]);

        // Emoji are written as two escapes of six characters each: seven full sections of them pass what one property holds.
        var emoji = string.Concat(Enumerable.Repeat("🎉", AnswerText.MaxSectionLength / 2));
        var outcome = await SubmitAsync(host, seeded, "29:bo", "Bo Diddley", seeded.Settings.Sections.Select(s => (s.Id, emoji)).ToArray());

        Assert.False(outcome.Saved);
        var text = FakeTeams.Text(JsonNode.Parse(CardJson.Serialize(outcome.Card)));
        Assert.Contains("too long to store as a whole", text);
        Assert.Contains(emoji, text); // what the member typed is still on the card
        Assert.Null(await host.Get<EntryStore>().GetAsync(TestSquad.TeamId, Week, "29:bo", CancellationToken.None));
    }
}
