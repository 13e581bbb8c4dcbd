namespace UpdateBot.Hosting;

/// <summary>
/// Runs work that may outlive the request that started it (a channel post still waiting when the card must answer):
/// in its own service scope, stopped only when the service stops, with any failure logged. What it leaves undone is
/// safe: the delivery engine recorded the intent, and the weekly cycle or a lead retries it.
/// </summary>
public sealed partial class BackgroundWork(IServiceScopeFactory scopes, IHostApplicationLifetime lifetime, TimeProvider time, ILogger<BackgroundWork> logger)
{
    /// <summary>
    /// Interactive first: starts <paramref name="work"/> in the background and waits for it no longer than
    /// <paramref name="within"/>. The task returned is the work's own, finished or still running.
    /// </summary>
    public async Task<Task<T>> RunWithinAsync<T>(Func<IServiceProvider, CancellationToken, Task<T>> work, TimeSpan within, CancellationToken cancellationToken)
    {
        var running = RunAsync(work);
        await Task.WhenAny(running, Task.Delay(within > TimeSpan.Zero ? within : TimeSpan.Zero, time, cancellationToken)).ConfigureAwait(false);
        return running;
    }

    public Task<T> RunAsync<T>(Func<IServiceProvider, CancellationToken, Task<T>> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        return Task.Run(async () =>
        {
            await using var scope = scopes.CreateAsyncScope();
            try
            {
                return await work(scope.ServiceProvider, lifetime.ApplicationStopping);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(logger, e);
                throw;
            }
        });
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Background work started by a turn failed; what it left undone is retried by the weekly cycle or a lead")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
