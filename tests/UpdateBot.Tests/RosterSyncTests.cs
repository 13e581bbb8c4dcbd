using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using UpdateBot.Domain;
using UpdateBot.Storage;
using UpdateBot.Tests.Infrastructure;

namespace UpdateBot.Tests;

/// <summary>
/// A large team's first roster sync: newcomers' rows go 100 to a request, nobody is lost when a row appears meanwhile,
/// and what a newcomer's chat with the bot knows reaches their new row without undoing an erasure (real Azurite).
/// </summary>
public sealed class RosterSyncTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private static readonly DateTimeOffset Thursday = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Rows_added_in_batches_skip_one_added_meanwhile_and_add_every_other()
    {
        var tables = new Tables(Options.Create(new StorageOptions { ConnectionString = azurite.ConnectionString, TablePrefix = AzuriteFixture.NewPrefix("batch") }));
        await tables.EnsureCreatedAsync(CancellationToken.None);
        TableEntity Row(int i, string name) => new("squad", $"m{i:D3}") { ["Name"] = name };
        await tables.Members.AddEntityAsync(Row(150, "added meanwhile"));

        var added = await tables.Members.AddInBatchesAsync(Enumerable.Range(0, 250).Select(i => Row(i, $"member {i}")), CancellationToken.None);

        Assert.Equal(249, added.Count);
        Assert.DoesNotContain(added, r => r.RowKey == "m150");
        var stored = tables.Members.Query<TableEntity>(r => r.PartitionKey == "squad").ToDictionary(r => r.RowKey, r => r.GetString("Name"));
        Assert.Equal(250, stored.Count);
        Assert.Equal("added meanwhile", stored["m150"]);
        Assert.Equal("member 249", stored["m249"]);
    }

    [Fact]
    public async Task A_new_250_member_team_is_stored_whole_and_every_member_can_find_the_squad()
    {
        await using var squad = new TestSquad(azurite, "rostersync", Thursday);
        await using var host = squad.StartHost();
        var members = host.Get<MemberStore>();
        var roster = Enumerable.Range(0, 250).Select(i => new RosterEntry($"29:new{i:D3}", $"New {i:D3}", null, null, null))
            .Append(new RosterEntry("29:new007", "New 007 twice", null, null, null)) // Teams listing someone twice loses nobody
            .ToList();

        await members.SyncRosterAsync(TestSquad.TeamId, roster, CancellationToken.None);

        var stored = await members.ListAsync(TestSquad.TeamId, CancellationToken.None);
        Assert.Equal(250, stored.Count(m => m.InRoster));
        var people = host.Get<PeopleStore>();
        foreach (var i in new[] { 0, 99, 100, 249 })
        {
            Assert.Contains(TestSquad.TeamId, await people.SquadIdsAsync($"29:new{i:D3}", CancellationToken.None));
        }

        // A second sync with one gone marks only them as left.
        await members.SyncRosterAsync(TestSquad.TeamId, roster.Where(r => r.UserId != "29:new100").ToList(), CancellationToken.None);
        var after = await members.ListAsync(TestSquad.TeamId, CancellationToken.None);
        Assert.Equal(249, after.Count(m => m.InRoster));
        Assert.False(after.Single(m => m.UserId == "29:new100").InRoster);
    }

    [Fact]
    public async Task A_newcomer_who_speaks_Welsh_during_the_first_roster_sync_gets_Welsh_prompts()
    {
        await using var squad = new TestSquad(azurite, "syncwelsh", Thursday);
        await using var host = squad.StartHost();
        await host.SeedSquadAsync(TestSquad.TeamId, TestSquad.People, [TestSquad.Lead]);
        var zed = new RosterEntry("29:zed", "Zed Zephyr", null, null, null);
        var roster = TestSquad.People.Select(p => new RosterEntry(p.Id, p.Name, null, null, null)).Append(zed).ToList();

        // The sync has linked Zed and is about to add the newcomers' rows (one $batch) when Zed's first message arrives.
        var release = new TaskCompletionSource();
        var held = squad.Storage.HoldNextAsync("POST", release.Task, "$batch");
        var sync = host.Get<MemberStore>().SyncRosterAsync(TestSquad.TeamId, roster, CancellationToken.None);
        await held;
        var hello = Activities.PersonalMessage("29:zed", "Zed Zephyr", "helo");
        hello["locale"] = "cy-GB";
        host.AssertOk(await host.PostActivityAsync(hello));
        release.SetResult();
        await sync;

        Assert.Equal(Language.Welsh, (await host.Get<MemberStore>().GetAsync(TestSquad.TeamId, "29:zed", CancellationToken.None))!.Language);
    }

    [Fact]
    public async Task An_erasure_during_the_first_roster_sync_leaves_no_time_zone_on_the_new_roster_row()
    {
        await using var squad = new TestSquad(azurite, "syncerase", Thursday);
        await using var host = squad.StartHost();
        await host.SeedSquadAsync(TestSquad.TeamId, TestSquad.People, [TestSquad.Lead]);
        var first = Activities.PersonalMessage("29:zed", "Zed Zephyr", "help");
        first["entities"] = new System.Text.Json.Nodes.JsonArray(new System.Text.Json.Nodes.JsonObject { ["type"] = "clientInfo", ["locale"] = "en-GB", ["timezone"] = "America/New_York", ["platform"] = "Web" });
        host.AssertOk(await host.PostActivityAsync(first)); // Zed has chatted with the bot: their zone is on their chat reference
        var roster = TestSquad.People.Select(p => new RosterEntry(p.Id, p.Name, null, null, null)).Append(new RosterEntry("29:zed", "Zed Zephyr", null, null, null)).ToList();

        var release = new TaskCompletionSource();
        var held = squad.Storage.HoldNextAsync("POST", release.Task, "$batch");
        var sync = host.Get<MemberStore>().SyncRosterAsync(TestSquad.TeamId, roster, CancellationToken.None);
        await held;
        host.AssertOk(await host.PostActivityAsync(Activities.PersonalMessage("29:zed", "Zed Zephyr", "erase my data")));
        release.SetResult();
        await sync;

        Assert.Null((await host.Get<MemberStore>().GetAsync(TestSquad.TeamId, "29:zed", CancellationToken.None))!.TimeZoneId);
    }
}
