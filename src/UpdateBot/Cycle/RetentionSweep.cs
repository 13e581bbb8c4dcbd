using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using UpdateBot.Domain;
using UpdateBot.Storage;

namespace UpdateBot.Cycle;

/// <summary>
/// Deletes what has passed the retention period (README, "What it promises, exactly"), in every table: answers (whole week tables),
/// markers and drafts of old weeks, published editions (and open editions) of old weeks, people who left the team long ago (with their
/// index rows), inactive 1:1 chat references, and squad choices never tapped. Work is squad by squad over key ranges,
/// and rows go in batch deletes inside a partition.
/// </summary>
public sealed partial class RetentionSweep(Tables tables, SquadStore squads, EntryStore entries, PeopleStore people, EditionStore editions, IOptions<StorageOptions> options, TimeProvider time, ILogger<RetentionSweep> logger)
{
    private static readonly TimeSpan Interval = TimeSpan.FromHours(6);
    private static readonly string[] Keys = ["PartitionKey", "RowKey"];
    private DateTimeOffset lastRun = DateTimeOffset.MinValue;

    public async Task RunIfDueAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (now - lastRun < Interval)
        {
            return;
        }

        lastRun = now;
        var deleted = await SweepAsync(now - TimeSpan.FromDays(options.Value.RetentionDays), cancellationToken);
        if (deleted > 0)
        {
            LogSwept(logger, deleted, options.Value.RetentionDays);
        }
    }

    /// <summary>Deletes everything older than <paramref name="cutoff"/>. Returns how many rows went (not counting those of the week tables dropped whole).</summary>
    public async Task<int> SweepAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        // Weeks wholly before the cutoff's week: their partitions sort before "squad|<that week>".
        var cutoffWeek = IsoWeek.FromDate(DateOnly.FromDateTime(cutoff.UtcDateTime));
        var squadRows = await squads.ListRowsAsync(cancellationToken);
        var (droppedWeeks, deleted) = await entries.DeleteBeforeAsync(squadRows.Select(s => s.TeamId), cutoffWeek, cancellationToken);
        if (droppedWeeks > 0)
        {
            LogDroppedWeeks(logger, droppedWeeks, cutoffWeek);
        }

        foreach (var squad in squadRows)
        {
            var prefix = EntryStore.SquadPrefix(squad.TeamId);
            var oldMarkers = await tables.Cycle.QueryPartitionRangeAsync<TableEntity>(prefix, prefix + cutoffWeek, null, cancellationToken, Keys);
            deleted += await tables.Cycle.DeleteInBatchesAsync(oldMarkers, cancellationToken);

            deleted += await editions.DeleteBeforeAsync(squad.TeamId, cutoffWeek, cancellationToken);

            // The open editions of those weeks (PK the squad's slug; part row keys "week|…" sort before the cutoff week too).
            if (squad.OpenSlug is { } slug)
            {
                deleted += await tables.OpenEditions.DeleteWhereAsync(TableClient.CreateQueryFilter($"PartitionKey eq {TableKey.Encode(slug)} and RowKey lt {cutoffWeek.ToString()}"), cancellationToken);
            }

            var roster = await tables.Members.QueryPartitionAsync<MemberRow>(TableKey.Encode(squad.TeamId), cancellationToken);
            await LinkUnlistedAsync(squad, roster, cancellationToken);
            var leavers = roster.Where(m => !m.InRoster && (m.LeftAt ?? m.ReachCheckedAt ?? m.Timestamp) < cutoff).ToList();
            foreach (var leaver in leavers)
            {
                await people.UnlinkAsync(leaver.UserId, squad.TeamId, cancellationToken);
            }

            deleted += await tables.Members.DeleteInBatchesAsync(leavers, cancellationToken);
        }

        // Welcome markers of people and teams (the squad-week partitions are done above; the lease is never old).
        foreach (var kind in new[] { "user", "team" })
        {
            var prefix = kind + "|";
            var old = await tables.Cycle.QueryPartitionRangeAsync<TableEntity>(prefix, null, TableClient.CreateQueryFilter($"Timestamp lt {cutoff}"), cancellationToken, Keys);
            deleted += await tables.Cycle.DeleteInBatchesAsync(old, cancellationToken);
        }

        // 1:1 chats that stopped working (uninstalled, blocked) and were not used since.
        deleted += await tables.Conversations.DeleteWhereAsync(TableClient.CreateQueryFilter($"PartitionKey eq {ConversationStore.User} and Active eq {false} and Timestamp lt {cutoff}"), cancellationToken);

        // Squad choices never tapped. They sit in each person's partition, so this one query crosses partitions; it
        // runs in the background sweep, never on a request.
        deleted += await tables.People.DeleteWhereAsync(TableClient.CreateQueryFilter($"RowKey ge {"choice|"} and RowKey lt {"choice}"} and Timestamp lt {time.GetUtcNow() - PeopleStore.ChoiceLifetime}"), cancellationToken);
        return deleted;
    }

    /// <summary>
    /// Roster rows not yet on their person's list row (written before it existed, or by an earlier version during a
    /// rolling upgrade) get their link here (the first sweep after an upgrade), so
    /// nobody waits for the next roster sync to be found; leads are linked again too (an idempotent upsert each).
    /// </summary>
    private async Task LinkUnlistedAsync(SquadRow squad, IReadOnlyList<MemberRow> roster, CancellationToken cancellationToken)
    {
        if (squad.Removed)
        {
            return;
        }

        foreach (var row in roster.Where(r => r.InRoster && !r.Listed))
        {
            await people.LinkAsync(row.UserId, squad.TeamId, cancellationToken);
            row.Indexed = true;
            row.Listed = true;
            await tables.Members.TryReplaceAsync(row, cancellationToken);
        }

        foreach (var leadId in System.Text.Json.JsonSerializer.Deserialize<List<string>>(squad.LeadIdsJson) ?? [])
        {
            await people.LinkAsync(leadId, squad.TeamId, cancellationToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention: dropped the answers tables of {Count} weeks before {Week}")]
    private static partial void LogDroppedWeeks(ILogger logger, int count, IsoWeek week);

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention: deleted {Count} rows older than {Days} days")]
    private static partial void LogSwept(ILogger logger, int count, int days);
}
