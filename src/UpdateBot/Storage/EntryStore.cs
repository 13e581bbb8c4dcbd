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

/// <summary>Answers, one partition per squad-week.</summary>
public sealed class EntryStore(Tables tables)
{
    public static string Partition(string squadId, IsoWeek week) => TableKey.Join(squadId, week.ToString());

    public async Task<IReadOnlyList<StoredEntry>> ListAsync(string squadId, IsoWeek week, CancellationToken cancellationToken)
    {
        var rows = await tables.Entries.QueryPartitionAsync<EntryRow>(Partition(squadId, week), cancellationToken);
        return rows.Select(ToStored).ToList();
    }

    public async Task<StoredEntry?> GetAsync(string squadId, IsoWeek week, string memberId, CancellationToken cancellationToken)
    {
        var row = await tables.Entries.FindAsync<EntryRow>(Partition(squadId, week), TableKey.Encode(memberId), cancellationToken);
        return row is null ? null : ToStored(row);
    }

    /// <summary>How many point reads <see cref="GetManyAsync"/> has in flight at once.</summary>
    private const int ParallelReads = 8;

    /// <summary>
    /// These members' entries for the week (absent ones left out), by point reads. Unlike <see cref="ListAsync"/>, what
    /// it costs never depends on how many other squads and weeks the table holds, on any store: Azurite answers every
    /// query, even one on a single partition, by walking the whole table (docs/benchmarks.md, "Turns").
    /// </summary>
    public async Task<IReadOnlyList<StoredEntry>> GetManyAsync(string squadId, IsoWeek week, IEnumerable<string> memberIds, CancellationToken cancellationToken)
    {
        var found = new System.Collections.Concurrent.ConcurrentBag<StoredEntry>();
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
            written = await tables.Entries.TryAddAsync(row, cancellationToken);
        }
        else
        {
            row.ETag = expected.ETag;
            written = await tables.Entries.TryReplaceAsync(row, cancellationToken);
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
        var partition = Partition(squadId, week);
        var key = TableKey.Encode(memberId);
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var row = await tables.Entries.FindAsync<EntryRow>(partition, key, cancellationToken);
            if (row is null)
            {
                row = new EntryRow
                {
                    PartitionKey = partition,
                    RowKey = key,
                    MemberId = memberId,
                    MemberName = memberName,
                    Status = nameof(EntryStatus.Pending),
                    CardConversationId = conversationId,
                    CardActivityId = activityId,
                };
                if (await tables.Entries.TryAddAsync(row, cancellationToken))
                {
                    return;
                }

                continue;
            }

            row.CardConversationId = conversationId;
            row.CardActivityId = activityId;
            if (await tables.Entries.TryReplaceAsync(row, cancellationToken))
            {
                return;
            }
        }
    }

    /// <summary>
    /// Every entry of a member in one squad, by week (for "my data" and erasure): a key-range query over the squad's
    /// week partitions, never a scan of the table.
    /// </summary>
    public async Task<IReadOnlyList<(IsoWeek Week, EntryRow Row, StoredEntry Stored)>> ListForMemberAsync(string squadId, string memberId, CancellationToken cancellationToken)
    {
        var rows = await tables.Entries.QueryPartitionRangeAsync<EntryRow>(
            SquadPrefix(squadId), null, TableClient.CreateQueryFilter($"RowKey eq {TableKey.Encode(memberId)}"), cancellationToken);
        return rows.Select(r => (WeekOf(r.PartitionKey), r, ToStored(r))).Where(r => r.Item1 != default).ToList();
    }

    /// <summary>The start of every partition key of one squad's weeks.</summary>
    public static string SquadPrefix(string squadId) => TableKey.Encode(squadId) + "|";

    /// <summary>The week of a squad-week partition key (default when it is not one).</summary>
    public static IsoWeek WeekOf(string partition) =>
        IsoWeek.TryParse(TableKey.Decode(partition[(partition.LastIndexOf('|') + 1)..]), out var week) ? week : default;

    public Task<int> DeleteAsync(IEnumerable<EntryRow> rows, CancellationToken cancellationToken) =>
        tables.Entries.DeleteInBatchesAsync(rows, cancellationToken);

    private static StoredEntry ToStored(EntryRow row)
    {
        var answers = JsonSerializer.Deserialize<Dictionary<string, string>>(row.AnswersJson, StoredText.Json) ?? [];
        var status = Enum.TryParse<EntryStatus>(row.Status, out var s) ? s : EntryStatus.Pending;
        var entry = new Entry(row.MemberId, row.MemberName, status, answers, row.UpdatedAt) { TeamOnly = row.TeamOnly };
        return new StoredEntry(entry, row.ETag, row.CardConversationId, row.CardActivityId)
        {
            CapturedActivityIds = row.CapturedActivityIds is { Length: > 0 } ids ? JsonSerializer.Deserialize<List<string>>(ids, StoredText.Json) ?? [] : [],
        };
    }
}
