using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using UpdateBot.Answers;
using UpdateBot.Cycle;
using UpdateBot.Digests;
using UpdateBot.Domain;
using UpdateBot.Storage;
using UpdateBot.Tests.Infrastructure;

namespace UpdateBot.Tests;

/// <summary>
/// Issue 10, "Privacy that follows the data": erasure reaches drafts, lead edits, stored weeknotes and every row with
/// the person's id; "my data" lists it; retention sweeps every table; a lead who left loses lead rights.
/// </summary>
public sealed class PrivacyFollowsTheDataTests(AzuriteFixture tables) : IClassFixture<AzuriteFixture>
{
    private static readonly DateTimeOffset ThursdayNoon = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
    private static readonly IsoWeek Week = IsoWeek.Parse("2026-W48");
    private static readonly (string Id, string Name) Ada = TestSquad.People[1];
    private static readonly (string Id, string Name) Bo = TestSquad.People[2];

    [Fact]
    public async Task Erasure_removes_the_members_words_from_answers_lead_edits_and_stored_weeknotes_and_their_ids_from_every_table()
    {
        await using var squad = new TestSquad(tables, "erase", ThursdayNoon);
        await using var host = squad.StartHost();
        var seeded = await host.SeedSquadAsync(TestSquad.TeamId, TestSquad.People, [TestSquad.Lead]);
        var first = seeded.Settings.Sections[0].Id;
        await host.InScopeAsync(sp => sp.GetRequiredService<CycleRunner>().RunAsync(seeded, Week, CycleStep.Open, CancellationToken.None));
        await host.SayAsync(Ada, "Shipped the referral pilot to two ICBs");
        await host.SayAsync(Bo, "Played the beat at the show and tell");
        var itemId = DigestComposer.ItemId(Ada.Id, first);
        Assert.Null(await host.InScopeAsync(sp => sp.GetRequiredService<DigestService>().EditAsync(seeded, Week, TestSquad.Lead,
            (edits, _) => edits with { ItemEdits = new Dictionary<string, LeadEdit> { [itemId] = new("Shipped the referral pilot to two ICBs (lead's wording)", AnswerBasis: null) } }, CancellationToken.None)));
        var published = await host.InScopeAsync(sp => sp.GetRequiredService<DigestService>().PublishAsync(seeded, Week, "Lena Lead", CancellationToken.None));
        Assert.Equal(PublishState.Published, published.State);
        var editions = host.Get<EditionStore>();
        Assert.Contains("lead's wording", (await editions.GetAsync(TestSquad.TeamId, Week, CancellationToken.None))!.Markdown, StringComparison.Ordinal);

        var described = await host.SayAsync(Ada, "my data");
        Assert.Contains("Platform", described, StringComparison.Ordinal);
        Assert.Contains("2026-W48: Answered", described, StringComparison.Ordinal);
        Assert.Contains("Lead edits of your items: 1", described, StringComparison.Ordinal);
        Assert.Contains("Published weeknotes (Markdown export) with your words: 1", described, StringComparison.Ordinal);
        Assert.Contains("Delivery records of messages sent to you: 1", described, StringComparison.Ordinal);
        Assert.Contains("Microsoft Entra object id", described, StringComparison.Ordinal);

        var erased = await host.SayAsync(Ada, "erase my data");
        Assert.Contains("1 week of answers, 1 lead edit of your items", erased, StringComparison.Ordinal);

        // The stored weeknote (what export gives) keeps everyone else's words and the layout; hers are replaced exactly.
        var markdown = (await editions.GetAsync(TestSquad.TeamId, Week, CancellationToken.None))!.Markdown;
        Assert.DoesNotContain("referral pilot", markdown, StringComparison.Ordinal);
        Assert.DoesNotContain("Ada", markdown, StringComparison.Ordinal);
        Assert.Contains("\n" + WeeknoteMarkdown.RemovedBullet + "\n", markdown, StringComparison.Ordinal);
        Assert.Contains("- Played the beat at the show and tell — Bo Diddley\n", markdown, StringComparison.Ordinal);
        var export = await host.SayAsync((TestSquad.Lead, "Lena Lead"), $"export {Week}");
        Assert.DoesNotContain("referral pilot", export, StringComparison.Ordinal);
        Assert.Contains("Removed at the author's request", export, StringComparison.Ordinal);

        var (edits, _) = await host.Get<CycleStore>().GetDraftAsync(TestSquad.TeamId, Week, CancellationToken.None);
        Assert.Empty(edits.ItemEdits);
        Assert.Null(await host.Get<EntryStore>().GetAsync(TestSquad.TeamId, Week, Ada.Id, CancellationToken.None));
        Assert.Empty(await host.Get<CycleStore>().ListSendsToAsync(TestSquad.TeamId, Ada.Id, CancellationToken.None));
        Assert.NotEmpty(await host.Get<CycleStore>().ListSendsToAsync(TestSquad.TeamId, Bo.Id, CancellationToken.None));
        var member = await host.Get<MemberStore>().GetAsync(TestSquad.TeamId, Ada.Id, CancellationToken.None);
        Assert.Null(member!.AadObjectId);

        // Her chat row is gone; the "erase my data" message itself wrote it again only to answer, and the erase removed it.
        Assert.Null(await host.Get<ConversationStore>().GetAsync(ConversationStore.User, Ada.Id, CancellationToken.None));
        Assert.Empty(squad.Storage.QueriesWithoutPartitionKey());
    }

    [Fact]
    public async Task A_lead_who_left_the_team_loses_lead_rights_at_the_roster_sync_and_the_other_leads_are_told_once()
    {
        await using var squad = new TestSquad(tables, "leadleft", ThursdayNoon);
        await using var host = squad.StartHost();
        var seeded = await host.SeedSquadAsync(TestSquad.TeamId, TestSquad.People, [TestSquad.Lead, Ada.Id]);
        squad.Teams.SetTeam(TestSquad.TeamId, TestSquad.People.Where(p => p.Id != Ada.Id));

        for (var i = 0; i < 2; i++)
        {
            var squadNow = (await host.Get<SquadStore>().GetAsync(TestSquad.TeamId, CancellationToken.None))!;
            Assert.True(await host.InScopeAsync(sp => sp.GetRequiredService<CycleRunner>().SyncRosterAsync(i == 0 ? seeded : squadNow, CancellationToken.None)));
        }

        var after = (await host.Get<SquadStore>().GetAsync(TestSquad.TeamId, CancellationToken.None))!;
        Assert.Equal([TestSquad.Lead], after.Settings.LeadIds);
        var notices = squad.Teams.CardsSentTo(TestSquad.Lead).Where(a => FakeTeams.Text(a).Contains("Ada Lovelace is no longer a lead of Platform", StringComparison.Ordinal)).ToList();
        Assert.Single(notices);
        Assert.Empty(squad.Teams.CardsSentTo(Ada.Id));
        Assert.DoesNotContain("this week's status", await host.SayAsync(Ada, "status"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Retention_sweeps_answers_markers_drafts_editions_leavers_inactive_chats_and_stale_choices()
    {
        await using var squad = new TestSquad(tables, "retain", ThursdayNoon);
        await using var host = squad.StartHost();
        var seeded = await host.SeedSquadAsync(TestSquad.TeamId, TestSquad.People, [TestSquad.Lead]);
        await host.InScopeAsync(sp => sp.GetRequiredService<CycleRunner>().RunAsync(seeded, Week, CycleStep.Open, CancellationToken.None));
        await host.SayAsync(Ada, "An old answer");
        await host.InScopeAsync(sp => sp.GetRequiredService<DigestService>().PublishAsync(seeded, Week, "Lena Lead", CancellationToken.None));
        await host.Get<ConversationStore>().MarkInactiveAsync(ConversationStore.User, Ada.Id, CancellationToken.None);
        squad.Teams.SetTeam(TestSquad.TeamId, TestSquad.People.Where(p => p.Id != Bo.Id));
        await host.InScopeAsync(sp => sp.GetRequiredService<CycleRunner>().SyncRosterAsync(seeded, CancellationToken.None));
        await host.Get<PeopleStore>().SaveChoiceAsync(Ada.Id, "never tapped", CancellationToken.None);
        // An older edition long enough to be stored in parts (its Markdown passes one property).
        await host.Get<EditionStore>().SaveAsync(TestSquad.TeamId, Week.Previous(), new EditionRow { Edition = 1, Markdown = new string('x', StoredText.MaxPropertyChars * 2) }, CancellationToken.None);
        var markdownParts = TableKey.Join(TestSquad.TeamId, "markdown");
        Assert.NotEmpty(host.Get<Tables>().Editions.Query<TableEntity>(r => r.PartitionKey == markdownParts));

        // A year and a bit later, one current answer.
        squad.Time.Advance(TimeSpan.FromDays(400));
        var now = squad.Time.GetUtcNow();
        var currentWeek = IsoWeek.FromDate(DateOnly.FromDateTime(now.UtcDateTime));
        await host.InScopeAsync(sp => sp.GetRequiredService<AnswerService>().CaptureAsync(new AnswerFor(seeded, currentWeek, Ada.Id, Ada.Name), "A fresh answer", CancellationToken.None));

        var deleted = await host.Get<RetentionSweep>().SweepAsync(now - TimeSpan.FromDays(365), CancellationToken.None);

        Assert.True(deleted > 0);
        Assert.Null(await host.Get<EntryStore>().GetAsync(TestSquad.TeamId, Week, Ada.Id, CancellationToken.None));
        Assert.NotNull(await host.Get<EntryStore>().GetAsync(TestSquad.TeamId, currentWeek, Ada.Id, CancellationToken.None));
        Assert.Empty(await host.Get<CycleStore>().ListSendsToAsync(TestSquad.TeamId, Ada.Id, CancellationToken.None));
        Assert.Null(await host.Get<EditionStore>().GetAsync(TestSquad.TeamId, Week, CancellationToken.None));
        Assert.Null(await host.Get<EditionStore>().GetAsync(TestSquad.TeamId, Week.Previous(), CancellationToken.None));
        Assert.Empty(host.Get<Tables>().Editions.Query<TableEntity>(r => r.PartitionKey == markdownParts));
        Assert.Null(await host.Get<MemberStore>().GetAsync(TestSquad.TeamId, Bo.Id, CancellationToken.None));
        Assert.Empty(await host.Get<PeopleStore>().SquadIdsAsync(Bo.Id, CancellationToken.None));
        Assert.NotNull(await host.Get<MemberStore>().GetAsync(TestSquad.TeamId, Ada.Id, CancellationToken.None));
        Assert.Null(await host.Get<ConversationStore>().GetAsync(ConversationStore.User, Ada.Id, CancellationToken.None));
        Assert.Empty(await host.Get<PeopleStore>().ListChoicesAsync(Ada.Id, CancellationToken.None));
        Assert.Equal([TestSquad.TeamId], await host.Get<PeopleStore>().SquadIdsAsync(Ada.Id, CancellationToken.None));

        // Rows went in batches (entity-group transactions), partition by partition.
        Assert.Contains(squad.Storage.Batches, b => b > 1);
    }
}
