using UpdateBot.Storage;
using UpdateBot.Tests.Infrastructure;

namespace UpdateBot.Tests;

/// <summary>The cycle lease outlives a long tick: no second instance runs the same steps meanwhile (issue 8).</summary>
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
        using var entered = new SemaphoreSlim(0);
        using var release = new ManualResetEventSlim();
        squad.Teams.OnActivityPost = attempt =>
        {
            if (attempt == 0)
            {
                // The first send of the fan-out hangs (a slow connector) while the clock runs on.
                entered.Release();
                release.Wait(TimeSpan.FromSeconds(60));
            }
        };

        var slowTick = Task.Run(() => a.TickAsync());
        Assert.True(await entered.WaitAsync(TimeSpan.FromSeconds(30)));

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

        release.Set();
        await slowTick;
        Assert.DoesNotContain(squad.Teams.Requests, r => r.Host == "b");
        // Everyone but the member whose send hung (timed out on the fake clock, left to the delivery rules) has one prompt.
        Assert.All(TestSquad.People, m => Assert.InRange(squad.Prompts(m.Id).Count, 0, 1));
        Assert.Equal(TestSquad.People.Count - 1, TestSquad.People.Count(m => squad.Prompts(m.Id).Count == 1));
    }
}
