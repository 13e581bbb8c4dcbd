using System.Net;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using UpdateBot.Cards;
using UpdateBot.Cycle;
using UpdateBot.Domain;
using UpdateBot.Storage;
using UpdateBot.Tests.Infrastructure;

namespace UpdateBot.Tests;

/// <summary>The person index (one list row per person): nothing left with a person's id once they are on no squad, and squads linked by an earlier version found again (real Azurite).</summary>
public sealed class PersonIndexTests(AzuriteFixture tables) : IClassFixture<AzuriteFixture>
{
    private static readonly DateTimeOffset ThursdayNoon = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
    private static readonly (string Id, string Name) Bo = TestSquad.People[2];

    private static List<TableEntity> PeopleRows(BotTestHost host, string userId)
    {
        var pk = TableKey.Encode(userId);
        return host.Get<Tables>().People.Query<TableEntity>(r => r.PartitionKey == pk).ToList();
    }

    [Fact]
    public async Task Retention_removes_a_leavers_index_rows_entirely()
    {
        await using var squad = new TestSquad(tables, "indexret", ThursdayNoon);
        await using var host = squad.StartHost();
        var seeded = await host.SeedSquadAsync(TestSquad.TeamId, TestSquad.People, [TestSquad.Lead]);
        await host.Get<PeopleStore>().SquadIdsAsync(Bo.Id, CancellationToken.None);
        squad.Teams.SetTeam(TestSquad.TeamId, TestSquad.People.Where(p => p.Id != Bo.Id));
        await host.InScopeAsync(sp => sp.GetRequiredService<CycleRunner>().SyncRosterAsync(seeded, CancellationToken.None));
        squad.Time.Advance(TimeSpan.FromDays(400));

        await host.Get<RetentionSweep>().SweepAsync(squad.Time.GetUtcNow() - TimeSpan.FromDays(365), CancellationToken.None);

        Assert.Null(await host.Get<MemberStore>().GetAsync(TestSquad.TeamId, Bo.Id, CancellationToken.None));
        Assert.Empty(PeopleRows(host, Bo.Id));
    }

    [Fact]
    public async Task Erase_my_data_by_someone_on_no_squad_leaves_no_row_with_their_id()
    {
        await using var squad = new TestSquad(tables, "indexerase", ThursdayNoon);
        await using var host = squad.StartHost();
        var stranger = ("29:stranger", "Stan Ger");

        await host.SayAsync(stranger, "erase my data");

        Assert.Null(await host.Get<ConversationStore>().GetAsync(ConversationStore.User, "29:stranger", CancellationToken.None));
        Assert.Empty(PeopleRows(host, "29:stranger"));
    }

    [Fact]
    public async Task A_link_row_written_by_an_older_instance_after_the_list_row_exists_is_found_at_the_next_roster_sync()
    {
        await using var squad = new TestSquad(tables, "indexlegacy", ThursdayNoon);
        await using var host = squad.StartHost();
        var seeded = await host.SeedSquadAsync(TestSquad.TeamId, TestSquad.People, [TestSquad.Lead]);
        var late = ("29:late", "Lee Late");
        var people = host.Get<PeopleStore>();
        await people.SquadIdsAsync("29:late", CancellationToken.None); // the new version made their (empty) list row

        // An instance still on the previous version adds them in a rolling upgrade: link row first, then an Indexed roster row.
        var t = host.Get<Tables>();
        await t.People.UpsertEntityAsync(new SquadLinkRow { PartitionKey = TableKey.Encode("29:late"), RowKey = "squad|" + TableKey.Encode(TestSquad.TeamId), SquadId = TestSquad.TeamId });
        await t.Members.AddEntityAsync(new MemberRow { PartitionKey = TableKey.Encode(TestSquad.TeamId), RowKey = TableKey.Encode("29:late"), UserId = "29:late", Name = "Lee Late", InRoster = true, Indexed = true, Reach = "Reachable" });

        squad.Teams.SetTeam(TestSquad.TeamId, [.. TestSquad.People, late]);
        await host.InScopeAsync(sp => sp.GetRequiredService<CycleRunner>().SyncRosterAsync(seeded, CancellationToken.None));
        await host.Get<RetentionSweep>().SweepAsync(squad.Time.GetUtcNow() - TimeSpan.FromDays(365), CancellationToken.None);

        Assert.Contains(TestSquad.TeamId, await people.SquadIdsAsync("29:late", CancellationToken.None));
    }

    [Fact]
    public async Task A_squad_list_this_instance_changes_is_seen_at_once_and_one_another_instance_changes_within_the_cache_lifetime()
    {
        await using var squad = new TestSquad(tables, "indexcache", ThursdayNoon);
        await using var here = squad.StartHost("here");
        await using var there = squad.StartHost("there");
        var (mine, theirs) = (here.Get<PeopleStore>(), there.Get<PeopleStore>());

        Assert.Empty(await mine.RecentSquadIdsAsync("29:cy", CancellationToken.None));
        await mine.LinkAsync("29:cy", "squad-a", CancellationToken.None);
        Assert.Equal(["squad-a"], await mine.RecentSquadIdsAsync("29:cy", CancellationToken.None));

        // Another instance links a second squad: the stored list has it at once, this instance's recent list once its entry expires.
        await theirs.LinkAsync("29:cy", "squad-b", CancellationToken.None);
        Assert.Equal(["squad-a"], await mine.RecentSquadIdsAsync("29:cy", CancellationToken.None));
        squad.Time.Advance(PeopleStore.CacheLifetime);
        Assert.Equal(["squad-a", "squad-b"], await mine.RecentSquadIdsAsync("29:cy", CancellationToken.None));

        await theirs.UnlinkAsync("29:cy", "squad-a", CancellationToken.None);
        Assert.Equal(["squad-b"], await mine.SquadIdsAsync("29:cy", CancellationToken.None));
        Assert.Equal(["squad-b"], await mine.RecentSquadIdsAsync("29:cy", CancellationToken.None));
    }

    [Fact]
    public async Task Erasure_reaches_a_squad_another_instance_linked_while_this_one_still_holds_the_old_list()
    {
        await using var squad = new TestSquad(tables, "indexstale", ThursdayNoon);
        await using var here = squad.StartHost("here");
        await using var there = squad.StartHost("there");
        var cy = ("29:cy", "Cy Newcomer");
        await here.SayAsync(cy, "help"); // this instance now holds Cy's list: no squad

        await there.SeedSquadAsync(TestSquad.TeamId, [.. TestSquad.People, cy], [TestSquad.Lead]);
        var week = IsoWeek.Parse("2026-W48");
        var submit = Activities.Execute(cy.Item1, cy.Item2, Verbs.PromptSubmit,
            new JsonObject { ["squadId"] = TestSquad.TeamId, ["week"] = week.ToString(), [PromptCards.SectionInput(SettingsValidation.DefaultSections[0].Id)] = "my words" });
        Assert.Equal(HttpStatusCode.OK, (await there.InvokeAsync(submit)).Status);
        Assert.NotNull(await here.Get<EntryStore>().GetAsync(TestSquad.TeamId, week, cy.Item1, CancellationToken.None));
        Assert.Empty(await here.Get<PeopleStore>().RecentSquadIdsAsync(cy.Item1, CancellationToken.None));

        await here.SayAsync(cy, "erase my data");

        Assert.Null(await here.Get<EntryStore>().GetAsync(TestSquad.TeamId, week, cy.Item1, CancellationToken.None));
    }
}
