using System.Text.Json.Nodes;
using Azure.Data.Tables;
using UpdateBot.Cards;
using UpdateBot.Cycle;
using UpdateBot.Domain;
using UpdateBot.Storage;
using UpdateBot.Tests.Infrastructure;

namespace UpdateBot.Tests;

/// <summary>
/// Issue 11, "flat as the data grows": each ISO week's answers have their own table, so a turn's reads and writes
/// touch only that week's rows, and retention drops a past week whole. Answers an earlier version kept in the single
/// <c>Entries</c> table are still found, updated in place, listed, erased and swept until that table is empty.
/// </summary>
public sealed class AnswerTablesTests(AzuriteFixture tables) : IClassFixture<AzuriteFixture>
{
    private static readonly DateTimeOffset ThursdayNoon = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
    private static readonly IsoWeek Week = IsoWeek.Parse("2026-W48");
    private static readonly (string Id, string Name) Ada = TestSquad.People[1];
    private static readonly (string Id, string Name) Bo = TestSquad.People[2];

    private static JsonObject Submit(IsoWeek week, string answer) =>
        Activities.Execute(Ada.Id, Ada.Name, Verbs.PromptSubmit,
            new JsonObject { ["squadId"] = TestSquad.TeamId, ["week"] = week.ToString(), [PromptCards.SectionInput(SettingsValidation.DefaultSections[0].Id)] = answer });

    private static async Task<string> SubmitAsync(BotTestHost host, IsoWeek week, string answer)
    {
        var (status, body) = await host.InvokeAsync(Submit(week, answer));
        Assert.Equal(System.Net.HttpStatusCode.OK, status);
        return body!.ToJsonString();
    }

    private static Entry Answered((string Id, string Name) person, string words) =>
        new(person.Id, person.Name, EntryStatus.Answered, new Dictionary<string, string> { [SettingsValidation.DefaultSections[0].Id] = words }, ThursdayNoon);

    [Fact]
    public async Task Each_weeks_answers_have_their_own_table_and_a_Submit_touches_only_its_weeks()
    {
        await using var squad = new TestSquad(tables, "weektables", ThursdayNoon);
        await using var host = squad.StartHost();
        await host.SeedSquadAsync(TestSquad.TeamId, TestSquad.People, [TestSquad.Lead]);
        await SubmitAsync(host, Week.Previous(), "words of last week");

        squad.Storage.Calls.Clear();
        Assert.Contains("words of this week", await SubmitAsync(host, Week, "words of this week"), StringComparison.Ordinal);

        var store = host.Get<EntryStore>();
        Assert.Equal([Week.Previous(), Week], (await store.WeeksWithTablesAsync(CancellationToken.None)).Order());
        var answerCalls = squad.Storage.Calls.Where(c => c.Contains("Entries", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(answerCalls);
        Assert.All(answerCalls, c => Assert.Contains(squad.Prefix + "Entries2026W48", c, StringComparison.Ordinal));
        Assert.Equal("words of last week", (await store.GetAsync(TestSquad.TeamId, Week.Previous(), Ada.Id, CancellationToken.None))!.Entry.Answers.Values.Single());
        Assert.Equal("words of this week", (await store.GetAsync(TestSquad.TeamId, Week, Ada.Id, CancellationToken.None))!.Entry.Answers.Values.Single());

        // A week nobody has answered has no table yet; reading it finds nothing and fails nothing.
        Assert.Null(await store.GetAsync(TestSquad.TeamId, Week.Next(), Ada.Id, CancellationToken.None));
        Assert.Empty(await store.ListAsync(TestSquad.TeamId, Week.Next(), CancellationToken.None));
    }

    [Fact]
    public async Task Retention_drops_the_table_of_each_week_before_the_cutoffs_week_whole_and_keeps_that_week()
    {
        await using var squad = new TestSquad(tables, "weekdrop", ThursdayNoon);
        await using var host = squad.StartHost();
        await host.SeedSquadAsync(TestSquad.TeamId, TestSquad.People, [TestSquad.Lead]);
        await SubmitAsync(host, Week.Previous(), "an answer of last week");
        await SubmitAsync(host, Week, "an answer of this week");
        squad.Storage.Calls.Clear();

        // The cutoff falls inside this week: last week is wholly older than the period, this week is not.
        await host.Get<RetentionSweep>().SweepAsync(ThursdayNoon, CancellationToken.None);

        var store = host.Get<EntryStore>();
        Assert.Equal([Week], await store.WeeksWithTablesAsync(CancellationToken.None));
        Assert.Contains($"DELETE /devstoreaccount1/Tables('{squad.Prefix}Entries2026W47')", squad.Storage.Calls);
        Assert.DoesNotContain(squad.Storage.Calls, c => c.EndsWith("/$batch", StringComparison.Ordinal)); // no row deletes: the table went whole
        Assert.Null(await store.GetAsync(TestSquad.TeamId, Week.Previous(), Ada.Id, CancellationToken.None));
        Assert.NotNull(await store.GetAsync(TestSquad.TeamId, Week, Ada.Id, CancellationToken.None));
    }

    [Fact]
    public async Task A_storage_fault_creating_the_weeks_table_fails_that_Submit_and_the_next_try_keeps_the_answer()
    {
        await using var squad = new TestSquad(tables, "weekfault", ThursdayNoon);
        await using var host = squad.StartHost();
        await host.SeedSquadAsync(TestSquad.TeamId, TestSquad.People, [TestSquad.Lead]);
        squad.Storage.FailNext("POST", 100, "/Tables", "Entries2026W48");

        var (status, _) = await host.InvokeAsync(Submit(Week, "kept on the second try"));

        Assert.NotEqual(System.Net.HttpStatusCode.OK, status);
        Assert.NotEmpty(squad.Storage.Injected);
        squad.Storage.Clear();
        Assert.Contains("kept on the second try", await SubmitAsync(host, Week, "kept on the second try"), StringComparison.Ordinal);
        Assert.Equal("kept on the second try", (await host.Get<EntryStore>().GetAsync(TestSquad.TeamId, Week, Ada.Id, CancellationToken.None))!.Entry.Answers.Values.Single());
    }

    [Fact]
    public async Task Answers_an_earlier_version_kept_in_one_table_are_found_updated_in_place_listed_erased_and_swept()
    {
        await using var squad = new TestSquad(tables, "earlier", ThursdayNoon);
        // What a deployment of an earlier version holds: the one Entries table, with Ada's and Bo's answers of the week.
        var earlier = new TableClient(squad.ConnectionString, squad.Prefix + Tables.EntriesName);
        await earlier.CreateIfNotExistsAsync();
        await earlier.UpsertEntityAsync(EntryStore.ToRow(TestSquad.TeamId, Week, Answered(Ada, "words from before the upgrade")));
        await earlier.UpsertEntityAsync(EntryStore.ToRow(TestSquad.TeamId, Week, Answered(Bo, "Bo's words from before")));
        await using var host = squad.StartHost();
        await host.SeedSquadAsync(TestSquad.TeamId, TestSquad.People, [TestSquad.Lead]);
        var store = host.Get<EntryStore>();

        var found = await store.GetAsync(TestSquad.TeamId, Week, Ada.Id, CancellationToken.None);
        Assert.True(found!.InEarlierTable);
        Assert.Equal("words from before the upgrade", found.Entry.Answers.Values.Single());
        // Cy's answer in the week's table and Di's in both (the week's table wins) are listed beside the earlier ones.
        (string Id, string Name) cy = TestSquad.People[3], di = TestSquad.People[4];
        await earlier.UpsertEntityAsync(EntryStore.ToRow(TestSquad.TeamId, Week, Answered(di, "Di's older words")));
        Assert.Equal(EntryWrite.Saved, await store.TrySaveAsync(TestSquad.TeamId, Week, Answered(cy, "Cy's words"), null, CancellationToken.None));
        Assert.Equal(EntryWrite.Saved, await store.TrySaveAsync(TestSquad.TeamId, Week, Answered(di, "Di's newer words"), null, CancellationToken.None));
        var listed = (await store.ListAsync(TestSquad.TeamId, Week, CancellationToken.None)).ToDictionary(e => e.Entry.MemberId);
        Assert.Equal([Ada.Id, Bo.Id, cy.Id, di.Id], listed.Keys.Order(StringComparer.Ordinal));
        Assert.True(listed[Ada.Id].InEarlierTable);
        Assert.False(listed[cy.Id].InEarlierTable);
        Assert.Equal("Di's newer words", listed[di.Id].Entry.Answers.Values.Single());

        // Her Submit updates the row where it is: no second copy in the week's table.
        Assert.Contains("changed after the upgrade", await SubmitAsync(host, Week, "changed after the upgrade"), StringComparison.Ordinal);
        Assert.Contains("changed after the upgrade", (await earlier.GetEntityAsync<EntryRow>(EntryStore.Partition(TestSquad.TeamId, Week), TableKey.Encode(Ada.Id))).Value.AnswersJson, StringComparison.Ordinal);
        var weekTable = new TableClient(squad.ConnectionString, EntryStore.WeekTableName(squad.Prefix, Week));
        Assert.False((await weekTable.GetEntityIfExistsAsync<EntryRow>(EntryStore.Partition(TestSquad.TeamId, Week), TableKey.Encode(Ada.Id))).HasValue);

        Assert.Contains("2026-W48: Answered", await host.SayAsync(Ada, "my data"), StringComparison.Ordinal);
        Assert.Contains("1 week of answers", await host.SayAsync(Ada, "erase my data"), StringComparison.Ordinal);
        Assert.False((await earlier.GetEntityIfExistsAsync<EntryRow>(EntryStore.Partition(TestSquad.TeamId, Week), TableKey.Encode(Ada.Id))).HasValue);
        Assert.Null(await store.GetAsync(TestSquad.TeamId, Week, Ada.Id, CancellationToken.None));

        // Another instance has read there too.
        await using var other = squad.StartHost("host2");
        Assert.True((await other.Get<EntryStore>().GetAsync(TestSquad.TeamId, Week, Bo.Id, CancellationToken.None))!.InEarlierTable);

        // A year on, retention deletes Bo's old row, then the empty table, and no read looks there again.
        squad.Time.Advance(TimeSpan.FromDays(400));
        var cutoff = squad.Time.GetUtcNow() - TimeSpan.FromDays(365);
        await host.Get<RetentionSweep>().SweepAsync(cutoff, CancellationToken.None);
        Assert.Empty(host.Get<Tables>().Service.Query(t => t.Name == squad.Prefix + Tables.EntriesName));
        squad.Storage.Calls.Clear();
        Assert.Null(await store.GetAsync(TestSquad.TeamId, Week, Bo.Id, CancellationToken.None));
        Assert.DoesNotContain(squad.Storage.Calls, c => c.Contains(squad.Prefix + "Entries(", StringComparison.Ordinal));

        // The other instance, which saw the table before it went, reads, lists and sweeps without it.
        var others = other.Get<EntryStore>();
        Assert.Null(await others.GetAsync(TestSquad.TeamId, Week, Bo.Id, CancellationToken.None));
        Assert.Empty(await others.ListForMemberAsync(TestSquad.TeamId, Bo.Id, await others.WeeksWithTablesAsync(CancellationToken.None), CancellationToken.None));
        await other.Get<RetentionSweep>().SweepAsync(cutoff, CancellationToken.None);
    }
}
