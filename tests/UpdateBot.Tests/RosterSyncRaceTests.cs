using UpdateBot.Domain;
using UpdateBot.Storage;
using UpdateBot.Tests.Infrastructure;

namespace UpdateBot.Tests;

/// <summary>What a newcomer's chat with the bot already knows reaches their new roster row, and nothing an erasure took comes back (a change while the roster sync waits for its batch).</summary>
public sealed class RosterSyncRaceTests(AzuriteFixture tables) : IClassFixture<AzuriteFixture>
{
    private static readonly DateTimeOffset ThursdayNoon = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_newcomer_who_speaks_Welsh_during_the_first_roster_sync_gets_Welsh_prompts()
    {
        await using var squad = new TestSquad(tables, "rvarace", ThursdayNoon);
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
        await using var squad = new TestSquad(tables, "rvaerasesync", ThursdayNoon);
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
