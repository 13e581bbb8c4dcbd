using Microsoft.Extensions.Options;
using UpdateBot.Storage;

namespace UpdateBot.Cycle;

/// <summary>Deletes answers (and the markers and drafts that quote them) once they pass the retention period (README, "What it promises, exactly").</summary>
public sealed partial class RetentionSweep(Tables tables, IOptions<StorageOptions> options, TimeProvider time, ILogger<RetentionSweep> logger)
{
    private static readonly TimeSpan Interval = TimeSpan.FromHours(6);
    private DateTimeOffset lastRun = DateTimeOffset.MinValue;

    public async Task RunIfDueAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (now - lastRun < Interval)
        {
            return;
        }

        lastRun = now;
        var cutoff = now - TimeSpan.FromDays(options.Value.RetentionDays);
        var deleted = 0;
        foreach (var table in new[] { tables.Entries, tables.Cycle })
        {
            await foreach (var row in table.QueryAsync<Azure.Data.Tables.TableEntity>(r => r.Timestamp < cutoff, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken))
            {
                if (row.PartitionKey == "lease")
                {
                    continue;
                }

                await table.DeleteEntityAsync(row.PartitionKey, row.RowKey, Azure.ETag.All, cancellationToken);
                deleted++;
            }
        }

        if (deleted > 0)
        {
            LogSwept(logger, deleted, options.Value.RetentionDays);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention: deleted {Count} rows older than {Days} days")]
    private static partial void LogSwept(ILogger logger, int count, int days);
}
