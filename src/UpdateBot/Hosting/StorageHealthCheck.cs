using Microsoft.Extensions.Diagnostics.HealthChecks;
using UpdateBot.Storage;

namespace UpdateBot.Hosting;

/// <summary>Readiness: the tables and the work queue answer. Liveness (/healthz) does not depend on it, so an outage never restarts us in a loop.</summary>
public sealed class StorageHealthCheck(Tables tables, WorkQueues queues) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await foreach (var _ in tables.Squads.QueryAsync<Azure.Data.Tables.TableEntity>(maxPerPage: 1, select: ["PartitionKey"], cancellationToken: cancellationToken).AsPages())
            {
                break;
            }
        }
        catch (Exception e) when (StorageOutage.Is(e))
        {
            return HealthCheckResult.Unhealthy("Table storage is not reachable.", e);
        }

        try
        {
            await queues.Work.GetPropertiesAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (StorageOutage.Is(e))
        {
            return HealthCheckResult.Unhealthy("The work queue is not reachable.", e);
        }
    }
}

/// <summary>
/// What storage being down looks like from the Azure SDK: a refusal or error answer (RequestFailedException), or, when
/// nothing answers at all, the AggregateException its retry policy throws once its tries are spent.
/// </summary>
internal static class StorageOutage
{
    public static bool Is(Exception e) =>
        e is Azure.RequestFailedException
        || e is AggregateException aggregate && aggregate.Flatten().InnerExceptions.All(i => i is Azure.RequestFailedException or HttpRequestException);
}

/// <summary>Creates the tables and the work queues at start-up, retrying in the background while storage is unreachable.</summary>
public sealed partial class StorageInitializer(Tables tables, WorkQueues queues, TimeProvider time, ILogger<StorageInitializer> logger) : BackgroundService
{
    private readonly TaskCompletionSource created = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once the tables and queues exist: background work waits for it instead of failing meanwhile.</summary>
    public Task Created => created.Task;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(10), time);
        do
        {
            try
            {
                await tables.EnsureCreatedAsync(stoppingToken);
                await queues.EnsureCreatedAsync(stoppingToken);
                created.TrySetResult();
                return;
            }
            catch (Exception e) when (StorageOutage.Is(e))
            {
                LogNotReady(logger, e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Storage (tables or queues) is not ready yet; retrying")]
    private static partial void LogNotReady(ILogger logger, Exception exception);
}
