using System.Text.Json.Nodes;
using Azure;
using UpdateBot.Cards;
using UpdateBot.Cycle;
using UpdateBot.Domain;
using UpdateBot.Storage;
using UpdateBot.Tests.Infrastructure;

namespace UpdateBot.Tests;

/// <summary>
/// Work distribution on Azure Storage Queues (issue 8, part 3), against real Azurite queues: the scheduler only
/// enqueues, any instance delivers, a crashed instance's item reappears, poison items are kept and shown in status,
/// and queue faults delay but lose nothing. The send intents in the tables stay the only judge of what was sent.
/// </summary>
public sealed class WorkQueueTests(AzuriteFixture tables) : IClassFixture<AzuriteFixture>
{
    private static readonly DateTimeOffset OpenAt = new(2026, 11, 26, 10, 0, 0, TimeSpan.Zero); // Thu 10:00 London
    private static readonly IsoWeek Week = IsoWeek.Parse("2026-W48");

    private static readonly IReadOnlyList<(string Id, string Name)> Roster =
        [.. TestSquad.People, ("29:ed", "Ed Ruscha"), ("29:flo", "Flo Jo"), ("29:gus", "Gus Grissom")];

    /// <summary>A short visibility timeout, for the tests where a real one must run out.</summary>
    private static readonly Dictionary<string, string?> ShortVisibility = new() { ["WorkQueue:VisibilityTimeout"] = "00:00:01" };

    [Fact]
    public async Task The_scheduler_only_enqueues_and_another_instance_delivers_to_everyone_once()
    {
        await using var squad = new TestSquad(tables, "QueueHappy", OpenAt);
        var scheduler = squad.StartHost("scheduler");
        var worker = squad.StartHost("worker");
        await scheduler.SeedSquadAsync(TestSquad.TeamId, Roster, [TestSquad.Lead]);

        Assert.Equal(1, await scheduler.Get<WeeklyCycleService>().TickAsync(CancellationToken.None));
        Assert.Empty(squad.Teams.Requests); // nothing sent by the scheduler, not even a roster read
        var queued = Assert.Single((await worker.Get<WorkQueues>().Work.PeekMessagesAsync(maxMessages: 32)).Value);
        Assert.True(CycleWorkItem.TryParse(queued.Body.ToString(), out var item));
        Assert.Equal(new CycleWorkItem(TestSquad.TeamId, Week, CycleStep.Open), item);

        Assert.Equal(WorkOutcome.Done, await worker.Get<CycleWorker>().ProcessNextAsync(CancellationToken.None));

        Assert.All(Roster, m => Assert.Single(squad.Prompts(m.Id)));
        Assert.All(squad.Teams.Requests, r => Assert.Equal("worker", r.Host));
        Assert.True(await worker.Get<CycleStore>().IsStepDoneAsync(TestSquad.TeamId, Week, CycleStep.Open, CancellationToken.None));
        Assert.Empty((await worker.Get<WorkQueues>().Work.PeekMessagesAsync(maxMessages: 32)).Value);

        // Done is done: later ticks enqueue nothing and send nothing.
        squad.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(0, await scheduler.Get<WeeklyCycleService>().TickAsync(CancellationToken.None));
        Assert.All(Roster, m => Assert.Single(squad.Prompts(m.Id)));
    }

    [Fact]
    public async Task A_worker_that_dies_mid_item_leaves_it_to_reappear_and_another_instance_finishes_it_without_a_duplicate()
    {
        await using var squad = new TestSquad(tables, "QueueCrash", OpenAt);
        var first = squad.StartHost("first", ShortVisibility);
        await first.SeedSquadAsync(TestSquad.TeamId, Roster, [TestSquad.Lead]);
        Assert.Equal(1, await first.Get<WeeklyCycleService>().TickAsync(CancellationToken.None));
        using var crash = new CancellationTokenSource();
        squad.Teams.OnActivityPost = attempt =>
        {
            if (attempt >= 3)
            {
                // The process dies: this send and every one still in flight never leave, and it cannot even hand the
                // work item back (as a graceful stop would).
                squad.Storage.FailNext("PUT", int.MaxValue, squad.Prefix.ToLowerInvariant() + "-work/messages/");
                crash.Cancel();
                throw new OperationCanceledException(crash.Token);
            }
        };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first.Get<CycleWorker>().ProcessNextAsync(crash.Token));
        Assert.Contains(squad.Storage.Injected, call => call.StartsWith("PUT", StringComparison.Ordinal)); // the hand-back failed
        squad.Storage.Clear();
        squad.Teams.OnActivityPost = null;
        await first.DisposeAsync();
        var sentBeforeCrash = Roster.Where(m => squad.Prompts(m.Id).Count == 1).Select(m => m.Id).ToList();
        Assert.InRange(sentBeforeCrash.Count, 1, Roster.Count - 1);

        // The item was never deleted: once its visibility timeout (1 s) runs out, a new instance takes it.
        var second = squad.StartHost("second");
        Assert.NotEqual(WorkOutcome.Empty, await NextItemAsync(second));
        Assert.Contains(squad.Teams.Requests, r => r.Host == "second");

        // Sends the crash interrupted are judged (unconfirmed, never re-sent) once their claims are old enough.
        squad.Time.Advance(CycleStore.AbandonedClaimAge + TimeSpan.FromMinutes(1));
        await second.TickAsync();
        Assert.All(Roster, m => Assert.InRange(squad.Prompts(m.Id).Count, 0, 1));
        Assert.All(sentBeforeCrash, id => Assert.DoesNotContain(squad.Prompts(id), r => r.Host == "second"));
        Assert.True(await second.Get<CycleStore>().IsStepDoneAsync(TestSquad.TeamId, Week, CycleStep.Open, CancellationToken.None));

        // Whoever was not prompted is shown to the lead as unconfirmed (not "pending" as if all were well).
        var unprompted = Roster.Where(m => squad.Prompts(m.Id).Count == 0).ToList();
        squad.Teams.Clear();
        await second.PostActivityAsync(Activities.PersonalMessage(TestSquad.Lead, "Lena Lead", "status"));
        var text = FakeTeams.Text(Assert.Single(squad.Teams.SendsTo(TestSquad.Lead)).Json);
        foreach (var member in unprompted)
        {
            var line = text.Split('\n').SkipWhile(l => !l.Contains(member.Name, StringComparison.Ordinal)).Take(4);
            Assert.True(line.Any(l => l.Contains("unconfirmed", StringComparison.OrdinalIgnoreCase)), $"{member.Name} was not prompted and the lead is not told why:\n{text}");
        }
    }

    [Fact]
    public async Task Two_instances_taking_the_same_squad_week_at_once_send_nothing_twice()
    {
        await using var squad = new TestSquad(tables, "QueueTwins", OpenAt);
        var a = squad.StartHost("a");
        var b = squad.StartHost("b");
        await a.SeedSquadAsync(TestSquad.TeamId, Roster, [TestSquad.Lead]);

        // The same step twice on the queue (a requeue after WorkQueue:RequeueAfter, or an enqueue retried by the SDK).
        Assert.Equal(1, await a.Get<WeeklyCycleService>().TickAsync(CancellationToken.None));
        await a.Get<WorkQueues>().Work.SendMessageAsync(new CycleWorkItem(TestSquad.TeamId, Week, CycleStep.Open).ToJson());

        // The first sends wait until both instances are sending, so the two runs overlap.
        using var bothSending = new CountdownEvent(2);
        squad.Teams.OnActivityPost = attempt =>
        {
            if (attempt < 2)
            {
                bothSending.Signal();
                bothSending.Wait(TimeSpan.FromSeconds(10));
            }
        };
        var outcomes = await Task.WhenAll(
            Task.Run(() => a.Get<CycleWorker>().ProcessNextAsync(CancellationToken.None)),
            Task.Run(() => b.Get<CycleWorker>().ProcessNextAsync(CancellationToken.None)));
        squad.Teams.OnActivityPost = null;

        Assert.All(outcomes, o => Assert.NotEqual(WorkOutcome.Empty, o));
        Assert.All(Roster, m => Assert.Single(squad.Prompts(m.Id)));

        // Whatever the overlap left in flight settles on the next ticks, still with one prompt each.
        for (var i = 0; i < 3; i++)
        {
            squad.Time.Advance(TimeSpan.FromMinutes(1));
            await Task.WhenAll(Task.Run(() => a.TickAsync()), Task.Run(() => b.TickAsync()));
        }

        Assert.All(Roster, m => Assert.Single(squad.Prompts(m.Id)));
        Assert.True(await a.Get<CycleStore>().IsStepDoneAsync(TestSquad.TeamId, Week, CycleStep.Open, CancellationToken.None));
    }

    [Fact]
    public async Task An_item_that_always_fails_goes_to_the_poison_queue_is_kept_and_status_shows_what_failed()
    {
        await using var squad = new TestSquad(tables, "QueuePoison", OpenAt);
        var host = squad.StartHost("host1", new Dictionary<string, string?> { ["WorkQueue:MaxDequeueCount"] = "3" });
        await host.SeedSquadAsync(TestSquad.TeamId, Roster, [TestSquad.Lead]);
        Assert.Equal(1, await host.Get<WeeklyCycleService>().TickAsync(CancellationToken.None));

        // Every read of the roster table fails, so the step can never run.
        squad.Storage.FailNext("GET", int.MaxValue, squad.Prefix + "Members");
        var worker = host.Get<CycleWorker>();
        Assert.Equal(WorkOutcome.Failed, await worker.ProcessNextAsync(CancellationToken.None));
        Assert.Equal(WorkOutcome.Failed, await worker.ProcessNextAsync(CancellationToken.None));
        Assert.Equal(WorkOutcome.Failed, await worker.ProcessNextAsync(CancellationToken.None));
        Assert.Equal(WorkOutcome.Poisoned, await worker.ProcessNextAsync(CancellationToken.None)); // dequeued a 4th time: more than 3
        Assert.Equal(WorkOutcome.Empty, await worker.ProcessNextAsync(CancellationToken.None));
        squad.Storage.Clear();

        // Kept in the poison queue, with what failed.
        var queues = host.Get<WorkQueues>();
        var poisoned = Assert.Single((await queues.Poison.PeekMessagesAsync(maxMessages: 32)).Value);
        var record = JsonNode.Parse(poisoned.Body.ToString())!;
        Assert.True(CycleWorkItem.TryParse(record["item"]!.GetValue<string>(), out var item));
        Assert.Equal(new CycleWorkItem(TestSquad.TeamId, Week, CycleStep.Open), item);
        Assert.Contains("storage answered 503", record["failure"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty((await queues.Work.PeekMessagesAsync(maxMessages: 32)).Value);

        // Not retried automatically: the scheduler leaves a stopped step alone.
        squad.Time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(0, await host.TickAsync());
        Assert.All(Roster, m => Assert.Empty(squad.Prompts(m.Id)));

        // The leads see it in status, with what failed and what to say.
        await host.PostActivityAsync(Activities.PersonalMessage(TestSquad.Lead, "Lena Lead", "status"));
        var text = FakeTeams.Text(Assert.Single(squad.Teams.SendsTo(TestSquad.Lead)).Json);
        Assert.Contains(StatusCards.StatusTitle, text);
        Assert.Contains("Weekly step: ask for updates", text);
        Assert.Contains("Stopped after 3 attempts. Attempt 3 failed: storage answered 503", text);
        Assert.Contains("Say prompt now to run it.", text);

        // And the lead's "prompt now" runs it.
        squad.Teams.Clear();
        await host.PostActivityAsync(Activities.PersonalMessage(TestSquad.Lead, "Lena Lead", "prompt now"));
        Assert.All(Roster, m => Assert.Single(squad.Prompts(m.Id)));
        Assert.True(await host.Get<CycleStore>().IsStepDoneAsync(TestSquad.TeamId, Week, CycleStep.Open, CancellationToken.None));
    }

    [Fact]
    public async Task Failing_queue_calls_delay_the_step_but_lose_nothing_and_duplicate_nothing()
    {
        await using var squad = new TestSquad(tables, "QueueFaults", OpenAt);
        var host = squad.StartHost("host1", ShortVisibility);
        await host.SeedSquadAsync(TestSquad.TeamId, Roster, [TestSquad.Lead]);
        var work = squad.Prefix.ToLowerInvariant() + "-work/messages";

        // The enqueue fails: nothing is sent, the step stays due.
        squad.Storage.FailNext("POST", 1, work);
        Assert.Equal(0, await host.TickAsync());
        Assert.Single(squad.Storage.Injected);
        Assert.All(Roster, m => Assert.Empty(squad.Prompts(m.Id)));
        Assert.False(await host.Get<CycleStore>().IsStepDoneAsync(TestSquad.TeamId, Week, CycleStep.Open, CancellationToken.None));

        // On the next tick it is enqueued; now taking it off the queue fails once, and deleting it after the work too.
        squad.Time.Advance(TimeSpan.FromMinutes(1));
        squad.Storage.FailNext("GET", 1, work);
        await Assert.ThrowsAsync<RequestFailedException>(() => host.TickAsync());
        squad.Storage.FailNext("DELETE", 1, work);
        Assert.Equal(WorkOutcome.Done, await host.Get<CycleWorker>().ProcessNextAsync(CancellationToken.None));
        Assert.Equal(3, squad.Storage.Injected.Count);
        Assert.All(Roster, m => Assert.Single(squad.Prompts(m.Id)));

        // The undeleted item reappears after its visibility timeout: it finds the step done and sends nothing.
        Assert.Equal(WorkOutcome.Done, await NextItemAsync(host));
        Assert.Empty((await host.Get<WorkQueues>().Work.PeekMessagesAsync(maxMessages: 32)).Value);
        Assert.All(Roster, m => Assert.Single(squad.Prompts(m.Id)));
    }

    [Fact]
    public async Task A_long_item_keeps_itself_hidden_and_another_instance_takes_nothing_meanwhile()
    {
        await using var squad = new TestSquad(tables, "QueueLong", OpenAt);
        var a = squad.StartHost("a");
        var b = squad.StartHost("b");
        await a.SeedSquadAsync(TestSquad.TeamId, Roster, [TestSquad.Lead]);
        Assert.Equal(1, await a.Get<WeeklyCycleService>().TickAsync(CancellationToken.None));
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

        var slow = Task.Run(() => a.Get<CycleWorker>().ProcessNextAsync(CancellationToken.None));
        Assert.True(await entered.WaitAsync(TimeSpan.FromSeconds(30)));
        var visibility = a.Get<Microsoft.Extensions.Options.IOptions<WorkQueueOptions>>().Value.VisibilityTimeout;
        for (var third = 0; third < 6; third++)
        {
            // Every third of the visibility timeout the worker hides the item again for a full timeout.
            var renewed = squad.Storage.NextCallAsync("PUT", squad.Prefix.ToLowerInvariant() + "-work/messages/", $"visibilitytimeout={(int)visibility.TotalSeconds}");
            squad.Time.Advance(visibility / 3);
            await renewed;
            Assert.Equal(0, await b.DrainAsync());
        }

        release.Set();
        Assert.Contains(await slow, new[] { WorkOutcome.Done, WorkOutcome.Incomplete });
        Assert.DoesNotContain(squad.Teams.Requests, r => r.Host == "b");
        Assert.All(Roster, m => Assert.InRange(squad.Prompts(m.Id).Count, 0, 1));
    }

    /// <summary>
    /// Takes the next item once it is visible: an item whose visibility timeout must run out on the server's own
    /// clock (1 s here) is looked for a few times a second, for at most 30 s.
    /// </summary>
    private static async Task<WorkOutcome> NextItemAsync(BotTestHost host)
    {
        var worker = host.Get<CycleWorker>();
        using var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(200));
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        do
        {
            var outcome = await worker.ProcessNextAsync(CancellationToken.None);
            if (outcome != WorkOutcome.Empty)
            {
                return outcome;
            }
        }
        while (await poll.WaitForNextTickAsync(limit.Token));
        return WorkOutcome.Empty;
    }
}
