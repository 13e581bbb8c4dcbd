using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using UpdateBot.Storage;
using UpdateBot.Tests.Infrastructure;

namespace UpdateBot.Tests;

/// <summary>A large team's first roster sync: newcomers' rows go 100 to a request, and nobody is lost when a row appears meanwhile (real Azurite).</summary>
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
}
