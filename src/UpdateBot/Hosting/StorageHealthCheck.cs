using Microsoft.Extensions.Diagnostics.HealthChecks;
using UpdateBot.Storage;

namespace UpdateBot.Hosting;

/// <summary>Readiness: the tables answer. Liveness (/healthz) does not depend on it, so an outage never restarts us in a loop.</summary>
public sealed class StorageHealthCheck(Tables tables) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await foreach (var _ in tables.Squads.QueryAsync<Azure.Data.Tables.TableEntity>(maxPerPage: 1, select: ["PartitionKey"], cancellationToken: cancellationToken).AsPages())
            {
                break;
            }

            return HealthCheckResult.Healthy();
        }
        catch (Azure.RequestFailedException e)
        {
            return HealthCheckResult.Unhealthy("Table storage is not reachable.", e);
        }
    }
}

/// <summary>Creates the tables at start-up, retrying in the background while storage is unreachable.</summary>
public sealed partial class StorageInitializer(Tables tables, TimeProvider time, ILogger<StorageInitializer> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(10), time);
        do
        {
            try
            {
                await tables.EnsureCreatedAsync(stoppingToken);
                return;
            }
            catch (Azure.RequestFailedException e)
            {
                LogNotReady(logger, e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Table storage is not ready yet; retrying")]
    private static partial void LogNotReady(ILogger logger, Exception exception);
}
