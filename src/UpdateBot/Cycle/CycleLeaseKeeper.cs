using UpdateBot.Storage;

namespace UpdateBot.Cycle;

/// <summary>
/// Keeps the cycle lease for as long as a tick runs: renews it every third of its duration, and cancels the tick the
/// moment the lease is lost (another instance took it) or could not be renewed before it ran out, so no two instances
/// ever run the same steps at the same time, however long a fan-out or the retention sweep takes.
/// </summary>
internal sealed partial class CycleLeaseKeeper : IAsyncDisposable
{
    private readonly CancellationTokenSource lost;
    private readonly CancellationTokenSource stop = new();
    private readonly Task loop;

    private CycleLeaseKeeper(CycleStore cycle, string owner, TimeSpan duration, TimeProvider time, ILogger logger, CancellationToken tickToken)
    {
        lost = CancellationTokenSource.CreateLinkedTokenSource(tickToken);
        loop = RenewAsync(cycle, owner, duration, time, logger);
    }

    /// <summary>Cancelled when the tick must stop: the caller's token, or the lease lost.</summary>
    public CancellationToken Token => lost.Token;

    /// <summary>True once the lease was lost while the tick held it.</summary>
    public bool LeaseLost { get; private set; }

    /// <summary>Starts keeping a lease the caller has just acquired.</summary>
    public static CycleLeaseKeeper Start(CycleStore cycle, string owner, TimeSpan duration, TimeProvider time, ILogger logger, CancellationToken tickToken) =>
        new(cycle, owner, duration, time, logger, tickToken);

    private async Task RenewAsync(CycleStore cycle, string owner, TimeSpan duration, TimeProvider time, ILogger logger)
    {
        var heldUntil = time.GetUtcNow() + duration;
        using var timer = new PeriodicTimer(duration / 3, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stop.Token))
            {
                bool renewed;
                try
                {
                    renewed = await cycle.TryAcquireLeaseAsync(owner, duration, stop.Token);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // Storage is unreachable: keep going while the lease we hold is still valid.
                    LogRenewalFailed(logger, e);
                    renewed = false;
                    // Give up while the lease is still ours: the next attempt would come after another instance may take it.
                    if (time.GetUtcNow() + (duration / 3) < heldUntil)
                    {
                        continue;
                    }
                }

                if (!renewed)
                {
                    LeaseLost = true;
                    LogLeaseLost(logger, owner);
                    await lost.CancelAsync();
                    return;
                }

                heldUntil = time.GetUtcNow() + duration;
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The tick finished.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        await loop;
        stop.Dispose();
        lost.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cycle lease lost by {Owner} while a tick was running; the tick stops and the new holder carries on")]
    private static partial void LogLeaseLost(ILogger logger, string owner);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not renew the cycle lease; retrying while it is still held")]
    private static partial void LogRenewalFailed(ILogger logger, Exception exception);
}
