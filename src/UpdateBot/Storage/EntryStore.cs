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

/// <summary>Answers, one partition per squad-week.</summary>
public sealed class EntryStore(Tables tables)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

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

    /// <summary>How many captured message ids an entry remembers: far more than a redelivery can lag behind.</summary>
    public const int CapturedActivityIdsKept = 20;

    /// <summary>
    /// Writes the entry. With <paramref name="expected"/> the write only happens if nobody changed it since
    /// (412 → false); without, it must not exist yet (409 → false). The caller re-reads and decides.
    /// </summary>
    public Task<bool> TrySaveAsync(string squadId, IsoWeek week, Entry entry, StoredEntry? expected, CancellationToken cancellationToken) =>
        TrySaveAsync(squadId, week, entry, expected, null, cancellationToken);

    /// <summary>As the other overload; <paramref name="capturedActivityId"/> is the chat message this write captures, remembered in the same write.</summary>
    public async Task<bool> TrySaveAsync(string squadId, IsoWeek week, Entry entry, StoredEntry? expected, string? capturedActivityId, CancellationToken cancellationToken)
    {
        var captured = (expected?.CapturedActivityIds ?? []).ToList();
        if (capturedActivityId is not null)
        {
            captured.Add(capturedActivityId);
        }

        var row = new EntryRow
        {
            PartitionKey = Partition(squadId, week),
            RowKey = TableKey.Encode(entry.MemberId),
            MemberId = entry.MemberId,
            MemberName = entry.MemberName,
            Status = entry.Status.ToString(),
            AnswersJson = JsonSerializer.Serialize(entry.Answers, Json),
            UpdatedAt = entry.UpdatedAt,
            CardConversationId = expected?.CardConversationId,
            CardActivityId = expected?.CardActivityId,
            CapturedActivityIds = captured.Count == 0 ? null : JsonSerializer.Serialize(captured.TakeLast(CapturedActivityIdsKept), Json),
        };
        if (expected is null)
        {
            return await tables.Entries.TryAddAsync(row, cancellationToken);
        }

        row.ETag = expected.ETag;
        return await tables.Entries.TryReplaceAsync(row, cancellationToken);
    }

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

    /// <summary>Every entry of a member across weeks (for "my data" and erasure).</summary>
    public async Task<IReadOnlyList<(string Partition, EntryRow Row)>> ListForMemberAsync(string memberId, CancellationToken cancellationToken)
    {
        var key = TableKey.Encode(memberId);
        var results = new List<(string, EntryRow)>();
        await foreach (var row in tables.Entries.QueryAsync<EntryRow>(r => r.RowKey == key, cancellationToken: cancellationToken))
        {
            results.Add((row.PartitionKey, row));
        }

        return results;
    }

    public Task DeleteAsync(EntryRow row, CancellationToken cancellationToken) =>
        tables.Entries.DeleteEntityAsync(row.PartitionKey, row.RowKey, ETag.All, cancellationToken);

    private static StoredEntry ToStored(EntryRow row)
    {
        var answers = JsonSerializer.Deserialize<Dictionary<string, string>>(row.AnswersJson, Json) ?? [];
        var status = Enum.TryParse<EntryStatus>(row.Status, out var s) ? s : EntryStatus.Pending;
        var entry = new Entry(row.MemberId, row.MemberName, status, answers, row.UpdatedAt);
        return new StoredEntry(entry, row.ETag, row.CardConversationId, row.CardActivityId)
        {
            CapturedActivityIds = row.CapturedActivityIds is { Length: > 0 } ids ? JsonSerializer.Deserialize<List<string>>(ids, Json) ?? [] : [],
        };
    }
}
