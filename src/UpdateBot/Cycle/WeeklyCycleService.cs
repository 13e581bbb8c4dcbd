using Microsoft.Extensions.Options;
using UpdateBot.Domain;
using UpdateBot.Storage;

namespace UpdateBot.Cycle;

/// <summary>
/// The clock of the weekly cycle. Every tick, the instance holding the lease runs each squad's due steps that are
/// not yet marked done (oldest first, inside the catch-up window). Persisted markers — not retries — make this
/// idempotent across restarts and instances.
/// </summary>
public sealed partial class WeeklyCycleService(
    IServiceScopeFactory scopes,
    IOptions<CycleOptions> options,
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

        using var timer = new PeriodicTimer(options.Value.TickInterval, time);
        do
        {
            await TickAsync(stoppingToken);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>One pass over every squad. Public so tests can drive the clock by hand.</summary>
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
        var runner = services.GetRequiredService<CycleRunner>();
        var ran = 0;
        var due = WeeklySchedule.DueSteps(squad.Settings.Schedule, squad.TimeZone, time.GetUtcNow(), options.Value.CatchUpWindow, squad.ScheduleChangedAt);
        foreach (var step in due)
        {
            using var scope = logger.BeginScope(new Dictionary<string, object> { ["SquadId"] = squad.Id, ["Week"] = step.Week.ToString(), ["Step"] = step.Step.ToString() });
            try
            {
                if (await cycle.IsStepDoneAsync(squad.Id, step.Week, step.Step, cancellationToken))
                {
                    continue;
                }

                await runner.RunAsync(squad, step.Week, step.Step, cancellationToken);
                ran++;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The boundary for one squad-week step: the others still run; this one stays due and is retried next tick.
                LogStepFailed(logger, squad.Id, step.Week, step.Step, e);
            }
        }

        return ran;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "The weekly cycle is disabled in this instance (Cycle:Enabled=false).")]
    private static partial void LogDisabled(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cycle tick skipped: storage unavailable")]
    private static partial void LogTickFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Squad {SquadId} week {Week} step {Step} failed; it will be retried")]
    private static partial void LogStepFailed(ILogger logger, string squadId, IsoWeek week, CycleStep step, Exception exception);
}
