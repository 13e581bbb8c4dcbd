using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using UpdateBot.Domain;

namespace UpdateBot.Storage;

/// <summary>A member's entry as stored, with the ETag for optimistic concurrency and the card that shows it.</summary>
public sealed record StoredEntry(Entry Entry, ETag ETag, string? CardConversationId, string? CardActivityId)
{
    /// <summary>The latest chat messages captured into the entry (newest last), so a redelivered one is not added twice.</summary>
    public IReadOnlyList<string> CapturedActivityIds { get; init; } = [];

    /// <summary>Read from the table answers were kept in before each week had its own; its writes go back there.</summary>
    public bool InEarlierTable { get; init; }
}

/// <summary>How a write of an entry ended.</summary>
public enum EntryWrite
{
    Saved,

    /// <summary>Someone else changed (or created) it first: re-read and decide again.</summary>
    Conflict,

    /// <summary>The answers would not fit a table property (<see cref="StoredText"/>): nothing was written.</summary>
    TooLarge,
}

/// <summary>
/// Answers: one table per ISO week (<c>{prefix}Entries2026W49</c>), in it one partition per squad-week and one row per
/// member. A turn's reads and writes then touch only its week's table, whatever the years before hold, on Azure and on
/// Azurite alike (whose every write costs in proportion to its table's rows: docs/benchmarks.md), and retention drops a
/// whole week's table in one call (https://learn.microsoft.com/azure/storage/tables/table-storage-design-patterns#high-volume-delete-pattern).
/// Answers an earlier version kept in the one <c>{prefix}Entries</c> table are still found, updated where they are,
/// and swept (<see cref="Tables.EarlierEntries"/>) for as long as that table exists.
/// </summary>
public sealed partial class EntryStore(Tables tables, ILogger<EntryStore> logger)
{
    private readonly ConcurrentDictionary<IsoWeek, TableClient> weekTables = new();
    private readonly ConcurrentDictionary<IsoWeek, bool> weekTablesCreated = new();
    private Task<bool>? earlierTableExists;

    public static string Partition(string squadId, IsoWeek week) => TableKey.Join(squadId, week.ToString());

    /// <summary>The name of one week's answers table: letters and digits only, as Azure requires.</summary>
    public static string WeekTableName(string prefix, IsoWeek week) =>
        string.Create(CultureInfo.InvariantCulture, $"{prefix}{Tables.EntriesName}{week.Year:D4}W{week.Week:D2}");

    /// <summary>The week of a week table's name (null for any other table).</summary>
    public static IsoWeek? WeekOfTable(string prefix, string tableName)
    {
        var start = prefix + Tables.EntriesName;
        var rest = tableName.StartsWith(start, StringComparison.Ordinal) ? tableName[start.Length..] : "";
        return rest.Length == 7 && rest[4] == 'W'
            && int.TryParse(rest[..4], NumberStyles.None, CultureInfo.InvariantCulture, out var year)
            && int.TryParse(rest[5..], NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            && number >= 1 && number <= IsoWeek.WeeksInYear(year)
            ? new IsoWeek(year, number)
            : null;
    }

    private TableClient WeekTable(IsoWeek week) =>
        weekTables.GetOrAdd(week, w => tables.Service.GetTableClient(WeekTableName(tables.Prefix, w)));

    /// <summary>The week's table, created if this process has not yet seen it exist (one call per week and process; the benchmark's seeder writes a year of history through it).</summary>
    public async Task<TableClient> WeekTableForWritingAsync(IsoWeek week, CancellationToken cancellationToken)
    {
        var table = WeekTable(week);
        if (!weekTablesCreated.ContainsKey(week))
        {
            await table.CreateIfNotExistsAsync(cancellationToken);
            weekTablesCreated[week] = true;
        }

        return table;
    }

    /// <summary>Adds a new row to its week's table (false when it exists: someone else added it first).</summary>
    private async Task<bool> TryAddToWeekAsync(IsoWeek week, EntryRow row, CancellationToken cancellationToken)
    {
        try
        {
            return await (await WeekTableForWritingAsync(week, cancellationToken)).TryAddAsync(row, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // The table this process made went (dropped by hand): make it again, once.
            weekTablesCreated.TryRemove(week, out _);
            return await (await WeekTableForWritingAsync(week, cancellationToken)).TryAddAsync(row, cancellationToken);
        }
    }

    /// <summary>Whether the table of an earlier version's answers exists (asked once per process; a failed ask is asked again).</summary>
    private async Task<bool> EarlierTableExistsAsync(CancellationToken cancellationToken)
    {
        var ask = earlierTableExists ??= AskAsync();
        try
        {
            return await ask.WaitAsync(cancellationToken);
        }
        catch when (ask.IsFaulted)
        {
            _ = Interlocked.CompareExchange(ref earlierTableExists, null, ask);
            throw;
        }

        async Task<bool> AskAsync()
        {
            var name = tables.EarlierEntries.Name;
            await foreach (var _ in tables.Service.QueryAsync(TableServiceClient.CreateQueryFilter($"TableName eq {name}"), maxPerPage: 1, cancellationToken: CancellationToken.None))
            {
                return true;
            }

            return false;
        }
    }

    /// <summary>
    /// <paramref name="read"/> on the earlier table while it exists, else <paramref name="absent"/>. Another instance's
    /// retention may drop it at any time: a 404 for the table then ends this process's reads there too.
    /// </summary>
    private async Task<T> FromEarlierTableAsync<T>(Func<TableClient, Task<T>> read, T absent, CancellationToken cancellationToken)
    {
        if (!await EarlierTableExistsAsync(cancellationToken))
        {
            return absent;
        }

        try
        {
            return await read(tables.EarlierEntries);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            earlierTableExists = Task.FromResult(false);
            return absent;
        }
    }

    public async Task<IReadOnlyList<StoredEntry>> ListAsync(string squadId, IsoWeek week, CancellationToken cancellationToken)
    {
        var partition = Partition(squadId, week);
        var rows = await QueryWeekAsync(WeekTable(week), partition, cancellationToken);
        var entries = rows.Select(r => ToStored(r, inEarlierTable: false)).ToList();
        var found = entries.Select(e => e.Entry.MemberId).ToHashSet(StringComparer.Ordinal);
        entries.AddRange((await FromEarlierTableAsync(t => t.QueryPartitionAsync<EntryRow>(partition, cancellationToken), [], cancellationToken))
            .Where(r => !found.Contains(r.MemberId))
            .Select(r => ToStored(r, inEarlierTable: true)));

        return entries;
    }

    public async Task<StoredEntry?> GetAsync(string squadId, IsoWeek week, string memberId, CancellationToken cancellationToken) =>
        await FindRowAsync(squadId, week, memberId, cancellationToken) is { } found ? ToStored(found.Row, found.InEarlierTable) : null;

    /// <summary>The member's row for the week: in the week's table, else (while it exists) in the earlier one.</summary>
    private async Task<(EntryRow Row, bool InEarlierTable)?> FindRowAsync(string squadId, IsoWeek week, string memberId, CancellationToken cancellationToken)
    {
        var partition = Partition(squadId, week);
        var key = TableKey.Encode(memberId);
        if (await WeekTable(week).FindAsync<EntryRow>(partition, key, cancellationToken) is { } row)
        {
            return (row, false);
        }

        return await FromEarlierTableAsync(t => t.FindAsync<EntryRow>(partition, key, cancellationToken), null, cancellationToken) is { } earlier
            ? (earlier, true)
            : null;
    }

    private static async Task<List<EntryRow>> QueryWeekAsync(TableClient table, string partition, CancellationToken cancellationToken)
    {
        try
        {
            return await table.QueryPartitionAsync<EntryRow>(partition, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return []; // no answer that week yet: its table is made by the first
        }
    }

    /// <summary>How many point reads <see cref="GetManyAsync"/> has in flight at once.</summary>
    private const int ParallelReads = 8;

    /// <summary>
    /// These members' entries for the week (absent ones left out), by point reads. Unlike <see cref="ListAsync"/>, what
    /// it costs never depends on how many other squads the week's table holds, on any store: Azurite answers every
    /// query, even one on a single partition, by walking the whole table (docs/benchmarks.md, "Turns").
    /// </summary>
    public async Task<IReadOnlyList<StoredEntry>> GetManyAsync(string squadId, IsoWeek week, IEnumerable<string> memberIds, CancellationToken cancellationToken)
    {
        var found = new ConcurrentBag<StoredEntry>();
        await Parallel.ForEachAsync(
            memberIds.Distinct(StringComparer.Ordinal),
            new ParallelOptions { MaxDegreeOfParallelism = ParallelReads, CancellationToken = cancellationToken },
            async (memberId, ct) =>
            {
                if (await GetAsync(squadId, week, memberId, ct) is { } entry)
                {
                    found.Add(entry);
                }
            });
        return [.. found];
    }

    /// <summary>How many captured message ids an entry remembers: far more than a redelivery can lag behind.</summary>
    public const int CapturedActivityIdsKept = 20;

    /// <summary>
    /// Writes the entry. With <paramref name="expected"/> the write only happens if nobody changed it since
    /// (412 → <see cref="EntryWrite.Conflict"/>); without, it must not exist yet (409 → Conflict). The caller re-reads
    /// and decides. Answers too long to store are refused before anything is sent (<see cref="EntryWrite.TooLarge"/>).
    /// </summary>
    public Task<EntryWrite> TrySaveAsync(string squadId, IsoWeek week, Entry entry, StoredEntry? expected, CancellationToken cancellationToken) =>
        TrySaveAsync(squadId, week, entry, expected, null, cancellationToken);

    /// <summary>As the other overload; <paramref name="capturedActivityId"/> is the chat message this write captures, remembered in the same write.</summary>
    public async Task<EntryWrite> TrySaveAsync(string squadId, IsoWeek week, Entry entry, StoredEntry? expected, string? capturedActivityId, CancellationToken cancellationToken)
    {
        var captured = (expected?.CapturedActivityIds ?? []).ToList();
        if (capturedActivityId is not null)
        {
            captured.Add(capturedActivityId);
        }

        var row = ToRow(squadId, week, entry);
        row.CardConversationId = expected?.CardConversationId;
        row.CardActivityId = expected?.CardActivityId;
        row.CapturedActivityIds = captured.Count == 0 ? null : JsonSerializer.Serialize(captured.TakeLast(CapturedActivityIdsKept), StoredText.Json);
        if (StoredText.FindTooLong(row) is not null)
        {
            return EntryWrite.TooLarge;
        }

        bool written;
        if (expected is null)
        {
            written = await TryAddToWeekAsync(week, row, cancellationToken);
        }
        else
        {
            row.ETag = expected.ETag;
            written = await (expected.InEarlierTable ? tables.EarlierEntries : WeekTable(week)).TryReplaceAsync(row, cancellationToken);
        }

        return written ? EntryWrite.Saved : EntryWrite.Conflict;
    }

    /// <summary>The stored shape of an entry (one place: the writes here and the benchmark's seeding of a year of history).</summary>
    public static EntryRow ToRow(string squadId, IsoWeek week, Entry entry) => new()
    {
        PartitionKey = Partition(squadId, week),
        RowKey = TableKey.Encode(entry.MemberId),
        MemberId = entry.MemberId,
        MemberName = entry.MemberName,
        Status = entry.Status.ToString(),
        AnswersJson = JsonSerializer.Serialize(entry.Answers, StoredText.Json),
        TeamOnly = entry.TeamOnly,
        UpdatedAt = entry.UpdatedAt,
    };

    /// <summary>Remembers which 1:1 message shows this member's card, so it can be updated in place.</summary>
    public async Task SetCardAsync(string squadId, IsoWeek week, string memberId, string memberName, string conversationId, string activityId, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            if (await FindRowAsync(squadId, week, memberId, cancellationToken) is not { } found)
            {
                var row = new EntryRow
                {
                    PartitionKey = Partition(squadId, week),
                    RowKey = TableKey.Encode(memberId),
                    MemberId = memberId,
                    MemberName = memberName,
                    Status = nameof(EntryStatus.Pending),
                    CardConversationId = conversationId,
                    CardActivityId = activityId,
                };
                if (await TryAddToWeekAsync(week, row, cancellationToken))
                {
                    return;
                }

                continue;
            }

            found.Row.CardConversationId = conversationId;
            found.Row.CardActivityId = activityId;
            if (await (found.InEarlierTable ? tables.EarlierEntries : WeekTable(week)).TryReplaceAsync(found.Row, cancellationToken))
            {
                return;
            }
        }
    }

    /// <summary>
    /// Every entry of a member in one squad, by week (for "my data" and erasure): a point read in the table of each of
    /// <paramref name="weeks"/> (<see cref="WeeksWithTablesAsync"/>, listed once for all of a person's squads), and,
    /// while the earlier table exists, a key-range query over the squad's week partitions there; never a scan of a table.
    /// </summary>
    public async Task<IReadOnlyList<(IsoWeek Week, EntryRow Row, StoredEntry Stored)>> ListForMemberAsync(string squadId, string memberId, IReadOnlyList<IsoWeek> weeks, CancellationToken cancellationToken)
    {
        var found = new ConcurrentBag<(IsoWeek, EntryRow, StoredEntry)>();
        await Parallel.ForEachAsync(
            weeks,
            new ParallelOptions { MaxDegreeOfParallelism = ParallelReads, CancellationToken = cancellationToken },
            async (week, ct) =>
            {
                if (await WeekTable(week).FindAsync<EntryRow>(Partition(squadId, week), TableKey.Encode(memberId), ct) is { } row)
                {
                    found.Add((week, row, ToStored(row, inEarlierTable: false)));
                }
            });
        var list = found.ToList();
        var earlier = await FromEarlierTableAsync(
            t => t.QueryPartitionRangeAsync<EntryRow>(SquadPrefix(squadId), null, TableClient.CreateQueryFilter($"RowKey eq {TableKey.Encode(memberId)}"), cancellationToken),
            [],
            cancellationToken);
        list.AddRange(earlier.Select(r => (WeekOf(r.PartitionKey), r, ToStored(r, inEarlierTable: true))).Where(r => r.Item1 != default));

        return [.. list.OrderBy(r => r.Item1)];
    }

    /// <summary>The weeks that have an answers table, from the account's list of tables (one call, or a few pages).</summary>
    public async Task<IReadOnlyList<IsoWeek>> WeeksWithTablesAsync(CancellationToken cancellationToken)
    {
        // Week tables are the prefix, "Entries" and digits: their names sort from "…Entries0" to before "…Entries:".
        var start = tables.Prefix + Tables.EntriesName;
        var weeks = new List<IsoWeek>();
        await foreach (var table in tables.Service.QueryAsync(TableServiceClient.CreateQueryFilter($"TableName ge {start + "0"} and TableName lt {start + ":"}"), cancellationToken: cancellationToken))
        {
            if (WeekOfTable(tables.Prefix, table.Name) is { } week)
            {
                weeks.Add(week);
            }
        }

        return weeks;
    }

    /// <summary>The start of every partition key of one squad's weeks.</summary>
    public static string SquadPrefix(string squadId) => TableKey.Encode(squadId) + "|";

    /// <summary>The week of a squad-week partition key (default when it is not one).</summary>
    public static IsoWeek WeekOf(string partition) =>
        IsoWeek.TryParse(TableKey.Decode(partition[(partition.LastIndexOf('|') + 1)..]), out var week) ? week : default;

    /// <summary>Deletes these entries (as <see cref="ListForMemberAsync"/> found them), each from the table it is in.</summary>
    public async Task<int> DeleteAsync(IEnumerable<(IsoWeek Week, EntryRow Row, StoredEntry Stored)> entries, CancellationToken cancellationToken)
    {
        var deleted = 0;
        foreach (var group in entries.GroupBy(e => e.Stored.InEarlierTable ? (IsoWeek?)null : e.Week))
        {
            var table = group.Key is { } week ? WeekTable(week) : tables.EarlierEntries;
            deleted += await table.DeleteInBatchesAsync(group.Select(e => e.Row), cancellationToken);
        }

        return deleted;
    }

    /// <summary>
    /// Retention for answers: drops the table of every week before <paramref name="cutoffWeek"/> (one call each), and
    /// deletes the earlier table's rows of those weeks squad by squad over key ranges. Returns how many tables were
    /// dropped and how many earlier rows deleted.
    /// </summary>
    public async Task<(int Tables, int Rows)> DeleteBeforeAsync(IEnumerable<string> squadIds, IsoWeek cutoffWeek, CancellationToken cancellationToken)
    {
        var dropped = 0;
        foreach (var week in (await WeeksWithTablesAsync(cancellationToken)).Where(w => w < cutoffWeek))
        {
            await WeekTable(week).DeleteAsync(cancellationToken);
            weekTablesCreated.TryRemove(week, out _);
            weekTables.TryRemove(week, out _);
            dropped++;
        }

        var rows = await FromEarlierTableAsync(async earlier =>
        {
            var deleted = 0;
            foreach (var squadId in squadIds)
            {
                var prefix = SquadPrefix(squadId);
                var old = await earlier.QueryPartitionRangeAsync<TableEntity>(prefix, prefix + cutoffWeek, null, cancellationToken, ["PartitionKey", "RowKey"]);
                deleted += await earlier.DeleteInBatchesAsync(old, cancellationToken);
            }

            // Once the last earlier answer has gone, the table goes too, and with it every fallback read. This query
            // crosses partitions; it runs in the background sweep, never on a request.
            // Azure may answer with empty pages and a continuation token for a while after many deletes: a few pages
            // are followed, and a table still undecided after them is looked at again by the next sweep.
            var pages = 0;
            await foreach (var page in earlier.QueryAsync<TableEntity>(select: ["PartitionKey"], maxPerPage: 1, cancellationToken: cancellationToken).AsPages())
            {
                if (page.Values.Count == 0 && page.ContinuationToken is null)
                {
                    await earlier.DeleteAsync(cancellationToken);
                    earlierTableExists = Task.FromResult(false);
                    LogEarlierTableDropped(logger, earlier.Name);
                }

                if (page.Values.Count > 0 || page.ContinuationToken is null || ++pages == 5)
                {
                    break;
                }
            }

            return deleted;
        }, 0, cancellationToken);

        return (dropped, rows);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention: the table {Table} of answers kept by earlier versions is empty and was dropped")]
    private static partial void LogEarlierTableDropped(ILogger logger, string table);

    private static StoredEntry ToStored(EntryRow row, bool inEarlierTable)
    {
        var answers = JsonSerializer.Deserialize<Dictionary<string, string>>(row.AnswersJson, StoredText.Json) ?? [];
        var status = Enum.TryParse<EntryStatus>(row.Status, out var s) && Enum.IsDefined(s) ? s : EntryStatus.Pending;
        var entry = new Entry(row.MemberId, row.MemberName, status, answers, row.UpdatedAt) { TeamOnly = row.TeamOnly };
        return new StoredEntry(entry, row.ETag, row.CardConversationId, row.CardActivityId)
        {
            CapturedActivityIds = row.CapturedActivityIds is { Length: > 0 } ids ? JsonSerializer.Deserialize<List<string>>(ids, StoredText.Json) ?? [] : [],
            InEarlierTable = inEarlierTable,
        };
    }
}
