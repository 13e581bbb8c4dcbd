using Microsoft.Extensions.Options;
using UpdateBot.Deliveries;
using UpdateBot.Domain;
using UpdateBot.Hosting;
using UpdateBot.Storage;

namespace UpdateBot.Cycle;

/// <summary>
/// The clock of the weekly cycle. Every tick, the instance holding the lease decides which squads' steps are due and
/// not yet done (oldest first, inside the catch-up window) and enqueues one work item per step on the work queue;
/// <see cref="CycleWorker"/> on any instance runs them. Persisted markers — not retries — make this idempotent across
/// restarts and instances.
/// </summary>
public sealed partial class WeeklyCycleService(
    IServiceScopeFactory scopes,
    StorageInitializer storage,
    IOptions<CycleOptions> options,
    IOptions<WorkQueueOptions> queueOptions,
    TimeProvider time,
    ILogger<WeeklyCycleService> logger) : BackgroundService
{
    private readonly string owner = Environment.MachineName + "/" + Guid.NewGuid().ToString("N")[..8];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            LogDisabled(logger);
            return;
        }

        // Steps are enqueued only once the work queue exists (tables and queues are created at start-up).
        await storage.Created.WaitAsync(stoppingToken);
        using var timer = new PeriodicTimer(options.Value.TickInterval, time);
        do
        {
            await TickAsync(stoppingToken);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>One pass over every squad; returns how many work items it enqueued. Public so tests can drive the clock by hand.</summary>
    public async Task<int> TickAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var cycle = services.GetRequiredService<CycleStore>();
        try
        {
            if (!await cycle.TryAcquireLeaseAsync(owner, options.Value.LeaseDuration, cancellationToken))
            {
                return 0;
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Storage is down: nothing is lost, the steps stay due and run on a later tick.
            LogTickFailed(logger, e);
            return 0;
        }

        // The lease is renewed while the tick runs and the tick stops if it is lost (a tick may outlast the lease).
        await using var lease = CycleLeaseKeeper.Start(cycle, owner, options.Value.LeaseDuration, time, logger, cancellationToken);
        try
        {
            return await RunSquadsAsync(services, lease.Token);
        }
        catch (OperationCanceledException) when (lease.LeaseLost && !cancellationToken.IsCancellationRequested)
        {
            return 0;
        }
    }

    private async Task<int> RunSquadsAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        IReadOnlyList<Squad> squads;
        try
        {
            squads = await services.GetRequiredService<SquadStore>().ListAsync(cancellationToken);
            await services.GetRequiredService<RetentionSweep>().RunIfDueAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Storage is down: nothing is lost, the steps stay due and run on a later tick.
            LogTickFailed(logger, e);
            return 0;
        }

        var ran = 0;
        foreach (var squad in squads.Where(s => !s.IsConfigured))
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                // Rare and small (a post and a card, once per install), so sent here rather than through the work queue.
                await services.GetRequiredService<TeamWelcome>().RetryIfDueAsync(squad, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogWelcomeFailed(logger, squad.Id, e);
            }
        }

        foreach (var squad in squads.Where(s => s.IsConfigured))
        {
            cancellationToken.ThrowIfCancellationRequested();
            ran += await RunDueStepsAsync(services, squad, cancellationToken);
        }

        return ran;
    }

    private async Task<int> RunDueStepsAsync(IServiceProvider services, Squad squad, CancellationToken cancellationToken)
    {
        var cycle = services.GetRequiredService<CycleStore>();
        var queues = services.GetRequiredService<WorkQueues>();
        var enqueued = 0;
        var due = WeeklySchedule.DueSteps(squad.Settings.Schedule, squad.TimeZone, time.GetUtcNow(), options.Value.CatchUpWindow, squad.ScheduleChangedAt, squad.MemberTimeZones);
        foreach (var step in due)
        {
            using var scope = logger.BeginScope(new Dictionary<string, object> { ["SquadId"] = squad.Id, ["Week"] = step.Week.ToString(), ["Step"] = step.Step.ToString() });
            try
            {
                // Marked queued first (conditionally), then enqueued: a worker's "done" can never be overwritten by a late "queued".
                if (!await cycle.TryMarkStepQueuedAsync(squad.Id, step.Week, step.Step, queueOptions.Value.RequeueAfter, cancellationToken))
                {
                    continue;
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogStepFailed(logger, squad.Id, step.Week, step.Step, e);
                continue;
            }

            try
            {
                await queues.Work.SendMessageAsync(new CycleWorkItem(squad.Id, step.Week, step.Step).ToJson(), cancellationToken);
                enqueued++;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The queue is unreachable: the step goes back to due and is enqueued on a later tick. Should even that
                // write fail, the "queued" mark expires after WorkQueue:RequeueAfter.
                LogStepFailed(logger, squad.Id, step.Week, step.Step, e);
                try
                {
                    await cycle.MarkStepDueAsync(squad.Id, step.Week, step.Step, "Could not be put on the work queue; tried again on the next tick.", cancellationToken);
                }
                catch (Exception again) when (again is not OperationCanceledException)
                {
                    LogStepFailed(logger, squad.Id, step.Week, step.Step, again);
                }
            }
        }

        return enqueued;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "The weekly cycle is disabled in this instance (Cycle:Enabled=false).")]
    private static partial void LogDisabled(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The welcome of team {SquadId} could not be sent; it is tried again on the next tick")]
    private static partial void LogWelcomeFailed(ILogger logger, string squadId, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cycle tick skipped: storage unavailable")]
    private static partial void LogTickFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Squad {SquadId} week {Week} step {Step} could not be enqueued; it will be on a later tick")]
    private static partial void LogStepFailed(ILogger logger, string squadId, IsoWeek week, CycleStep step, Exception exception);
}
