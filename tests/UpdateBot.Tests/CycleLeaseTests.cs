using UpdateBot.Storage;
using UpdateBot.Tests.Infrastructure;

namespace UpdateBot.Tests;

/// <summary>The cycle lease outlives a long scheduler tick: no second instance schedules the same steps meanwhile (issue 8).</summary>
public sealed class CycleLeaseTests(AzuriteFixture tables) : IClassFixture<AzuriteFixture>
{
    private static readonly DateTimeOffset OpenAt = new(2026, 11, 26, 10, 0, 0, TimeSpan.Zero); // Thu 10:00 London

    [Fact]
    public async Task A_tick_longer_than_the_lease_keeps_it_and_another_instance_stays_out()
    {
        await using var squad = new TestSquad(tables, "LongTick", OpenAt);
        var a = squad.StartHost("a");
        var b = squad.StartHost("b");
        await a.SeedSquadAsync(TestSquad.TeamId, TestSquad.People, [TestSquad.Lead]);
        // The scheduler's enqueue hangs (slow storage) while the clock runs on.
        var release = new TaskCompletionSource();
        var entered = squad.Storage.HoldNextAsync("POST", release.Task, squad.Prefix.ToLowerInvariant() + "-work/messages");
        var slowTick = Task.Run(() => a.TickAsync());
        await entered;

        // Ten minutes pass during the tick: more than three times the default 3-minute lease.
        for (var minute = 0; minute < 10; minute++)
        {
            // Each minute the holder's renewal timer fires and writes the lease again, a full duration from now.
            var renewed = squad.Storage.NextCallAsync("PUT", "Cycle", "lease");
            squad.Time.Advance(TimeSpan.FromMinutes(1));
            await renewed;
            var lease = await a.Get<Tables>().Cycle.GetEntityAsync<LeaseRow>("lease", "cycle");
            Assert.Equal(squad.Time.GetUtcNow() + TimeSpan.FromMinutes(3), lease.Value.ExpiresAt);
            Assert.Equal(0, await b.TickAsync());
        }

        release.SetResult();
        Assert.Equal(1, await slowTick);
        Assert.DoesNotContain(squad.Teams.Requests, r => r.Host == "b");
        Assert.All(TestSquad.People, m => Assert.Single(squad.Prompts(m.Id)));
    }
}
