using System.Text.Json.Nodes;
using UpdateBot.Cards;
using UpdateBot.Domain;
using UpdateBot.Storage;
using UpdateBot.Tests.Infrastructure;

namespace UpdateBot.Tests;

/// <summary>
/// Issue 11, "per-turn cost flat as the data grows": the everyday turns reach storage by point reads and point writes
/// only. A table query costs in proportion to the whole table on Azurite (its in-memory store walks every row for any
/// filter), so any query here would make a turn slower as other squads and weeks pile up (docs/benchmarks.md, "Turns").
/// </summary>
public sealed partial class FlatTurnTests(AzuriteFixture tables) : IClassFixture<AzuriteFixture>
{
    private static readonly DateTimeOffset ThursdayNoon = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
    private static readonly IsoWeek Week = IsoWeek.Parse("2026-W48");
    private static readonly (string Id, string Name) Ada = TestSquad.People[1];

    private static JsonObject Submit(string answer) =>
        Activities.Execute(Ada.Id, Ada.Name, Verbs.PromptSubmit,
            new JsonObject { ["squadId"] = TestSquad.TeamId, ["week"] = Week.ToString(), [PromptCards.SectionInput(SettingsValidation.DefaultSections[0].Id)] = answer });

    [Fact]
    public async Task Help_and_a_prompt_Submit_make_no_table_query_once_the_person_has_spoken()
    {
        await using var squad = new TestSquad(tables, "flat", ThursdayNoon);
        var host = squad.StartHost();
        await host.SeedSquadAsync(TestSquad.TeamId, TestSquad.People, [TestSquad.Lead]);
        host.AssertOk(await host.PostActivityAsync(Activities.PersonalMessage(Ada.Id, Ada.Name, "help")));
        Assert.Equal(System.Net.HttpStatusCode.OK, (await host.InvokeAsync(Submit("first"))).Status);

        squad.Storage.Queries.Clear();
        squad.Storage.Calls.Clear();
        host.AssertOk(await host.PostActivityAsync(Activities.PersonalMessage(Ada.Id, Ada.Name, "help")));
        Assert.Empty(squad.Storage.Queries);
        Assert.Empty(squad.Storage.Writes());
        Assert.DoesNotContain(squad.Storage.Calls, c => c.Contains("People(", StringComparison.Ordinal)); // the person's squad list is held in process

        squad.Storage.Calls.Clear();
        var (status, body) = await host.InvokeAsync(Submit("shipped the importer"));
        Assert.Equal(System.Net.HttpStatusCode.OK, status);
        Assert.Contains("shipped the importer", body!.ToJsonString(), StringComparison.Ordinal);
        Assert.Empty(squad.Storage.Queries);

        // The entry is read once and written once, conditionally on what was read.
        var entryCalls = squad.Storage.Calls.Where(c => EntriesCall().IsMatch(c)).ToList();
        Assert.Equal(["GET", "PUT"], entryCalls.Select(c => c[..c.IndexOf(' ', StringComparison.Ordinal)]));
        Assert.Equal("shipped the importer", (await host.Get<EntryStore>().GetAsync(TestSquad.TeamId, Week, Ada.Id, CancellationToken.None))!.Entry.Answers.Values.Single());
    }

    [Fact]
    public async Task Help_from_someone_on_no_squad_makes_no_storage_call_once_they_have_spoken()
    {
        await using var squad = new TestSquad(tables, "flatnone", ThursdayNoon);
        var host = squad.StartHost();
        host.AssertOk(await host.PostActivityAsync(Activities.PersonalMessage("29:visitor", "Vi Sitor", "help")));

        squad.Storage.Calls.Clear();
        var before = host.Teams.SendsTo("29:visitor").Count;
        host.AssertOk(await host.PostActivityAsync(Activities.PersonalMessage("29:visitor", "Vi Sitor", "help")));

        Assert.Single(host.Teams.SendsTo("29:visitor").Skip(before));
        Assert.Empty(squad.Storage.Calls);
    }

    [Fact]
    public async Task The_status_reads_answers_by_point_reads_and_queries_only_the_squads_own_roster_and_week()
    {
        await using var squad = new TestSquad(tables, "flatstat", ThursdayNoon);
        var host = squad.StartHost();
        await host.SeedSquadAsync(TestSquad.TeamId, TestSquad.People, [TestSquad.Lead]);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await host.InvokeAsync(Submit("shipped"))).Status);
        host.AssertOk(await host.PostActivityAsync(Activities.PersonalMessage(TestSquad.Lead, "Lena Lead", "help")));

        squad.Storage.Queries.Clear();
        squad.Storage.Calls.Clear();
        var before = host.Teams.SendsTo(TestSquad.Lead).Count;
        host.AssertOk(await host.PostActivityAsync(Activities.PersonalMessage(TestSquad.Lead, "Lena Lead", "status")));
        var card = string.Join("\n", host.Teams.SendsTo(TestSquad.Lead).Skip(before).Select(r => r.Body));
        Assert.Contains("Answered", card, StringComparison.Ordinal);
        Assert.Contains("Pending", card, StringComparison.Ordinal);

        // The roster and the week's markers: one query each, on the squad's own partitions. Nothing else is a query.
        var squadKey = TableKey.Encode(TestSquad.TeamId);
        Assert.Collection(
            squad.Storage.Queries.Order(StringComparer.Ordinal),
            q => Assert.Equal($"{squad.Prefix}Cycle() ? PartitionKey eq '{EntryStore.Partition(TestSquad.TeamId, Week)}'", q),
            q => Assert.Equal($"{squad.Prefix}Members() ? PartitionKey eq '{squadKey}'", q));
        Assert.Equal(TestSquad.People.Count, squad.Storage.Calls.Count(c => c.StartsWith("GET ", StringComparison.Ordinal) && EntriesCall().IsMatch(c)));
        Assert.Empty(squad.Storage.Writes());
    }

    [Fact]
    public async Task A_person_index_of_the_earlier_layout_is_read_once_and_then_by_point_reads()
    {
        await using var squad = new TestSquad(tables, "flatold", ThursdayNoon);
        var host = squad.StartHost();
        await host.SeedSquadAsync(TestSquad.TeamId, TestSquad.People, [TestSquad.Lead]);
        var storage = host.Get<Tables>();

        // As an older version left it: one link row per squad, no list row.
        await storage.People.DeleteEntityAsync(TableKey.Encode(Ada.Id), "squads|" + TableKey.Encode(Ada.Id));
        await storage.People.UpsertEntityAsync(new SquadLinkRow { PartitionKey = TableKey.Encode(Ada.Id), RowKey = "squad|" + TableKey.Encode(TestSquad.TeamId), SquadId = TestSquad.TeamId });

        squad.Storage.Queries.Clear();
        Assert.Contains("\"squadId\":\"" + TestSquad.TeamId, await SayAsync(host, "my update"), StringComparison.Ordinal);
        Assert.Single(squad.Storage.Queries, q => q.Contains("People", StringComparison.Ordinal));

        squad.Storage.Queries.Clear();
        Assert.Contains("\"squadId\":\"" + TestSquad.TeamId, await SayAsync(host, "my update"), StringComparison.Ordinal);
        Assert.Empty(squad.Storage.Queries);

        // Leaving the squad takes it off the list and deletes the old link row too.
        await host.Get<PeopleStore>().UnlinkAsync(Ada.Id, TestSquad.TeamId, CancellationToken.None);
        Assert.Empty(await host.Get<PeopleStore>().SquadIdsAsync(Ada.Id, CancellationToken.None));
        Assert.False((await storage.People.GetEntityIfExistsAsync<SquadLinkRow>(TableKey.Encode(Ada.Id), "squad|" + TableKey.Encode(TestSquad.TeamId))).HasValue);
    }

    [Fact]
    public async Task Two_squads_linking_one_person_at_once_both_stay_on_the_list()
    {
        await using var squad = new TestSquad(tables, "flatrace", ThursdayNoon);
        var host = squad.StartHost();
        var people = host.Get<PeopleStore>();
        var squadIds = Enumerable.Range(0, 12).Select(i => $"19:team-{i}@thread.tacv2").ToList(); // more writers than one round each of the first 8 attempts

        await Task.WhenAll(squadIds.Select(id => people.LinkAsync("29:many", id, CancellationToken.None)));

        Assert.Equal(squadIds.Order(StringComparer.Ordinal), (await people.SquadIdsAsync("29:many", CancellationToken.None)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_newcomer_is_linked_by_one_insert_and_a_link_of_the_earlier_layout_is_kept_at_the_first_read()
    {
        await using var squad = new TestSquad(tables, "flatnew", ThursdayNoon);
        var host = squad.StartHost();
        var people = host.Get<PeopleStore>();

        // Linked by an older version to one squad; this version's roster sync links them to another.
        await host.Get<Tables>().People.UpsertEntityAsync(new SquadLinkRow { PartitionKey = TableKey.Encode("29:old"), RowKey = "squad|" + TableKey.Encode("19:old@thread.tacv2"), SquadId = "19:old@thread.tacv2" });
        squad.Storage.Calls.Clear();
        await people.LinkAsync("29:old", "19:new@thread.tacv2", CancellationToken.None);
        await people.LinkAsync("29:fresh", "19:new@thread.tacv2", CancellationToken.None);
        Assert.Equal(2, squad.Storage.Calls.Count);
        Assert.All(squad.Storage.Calls, c => Assert.StartsWith("POST ", c, StringComparison.Ordinal));

        Assert.Equal(["19:new@thread.tacv2", "19:old@thread.tacv2"], (await people.SquadIdsAsync("29:old", CancellationToken.None)).Order(StringComparer.Ordinal));
        Assert.Equal(["19:new@thread.tacv2"], await people.SquadIdsAsync("29:fresh", CancellationToken.None));

        // Folded in once: from now on a point read.
        squad.Storage.Queries.Clear();
        Assert.Equal(2, (await people.SquadIdsAsync("29:old", CancellationToken.None)).Count);
        Assert.Empty(squad.Storage.Queries);
    }

    private async Task<string> SayAsync(BotTestHost host, string text)
    {
        var before = host.Teams.SendsTo(Ada.Id).Count;
        host.AssertOk(await host.PostActivityAsync(Activities.PersonalMessage(Ada.Id, Ada.Name, text)));
        return string.Join("\n", host.Teams.SendsTo(Ada.Id).Skip(before).Select(r => r.Body));
    }

    /// <summary>A call on a row of a week's answers table ("…Entries2026W48(PartitionKey=…").</summary>
    [System.Text.RegularExpressions.GeneratedRegex(@"Entries\d{4}W\d{2}\(")]
    private static partial System.Text.RegularExpressions.Regex EntriesCall();
}
