using System.Security.Cryptography;
using System.Text;
using Azure.Data.Tables;
using UpdateBot.Domain;

namespace UpdateBot.Storage;

/// <summary>
/// A reader's question about one item of a published weeknote (README, "Questions from readers"). Kept in the Cycle
/// table, in the squad-week partition of the week it was asked in (row key "question|" + id), beside that week's send
/// intents: the lead's status reads both in one partition query, and retention and erasure find it where they look.
/// </summary>
public sealed class QuestionRow : TableRow
{
    /// <summary>The weeknote the item is in (its channel post's thread gets the answer).</summary>
    public string Week { get; set; } = "";
    public string ItemId { get; set; } = "";

    /// <summary>The item's text as the reader saw it, quoted to its author.</summary>
    public string ItemText { get; set; } = "";
    public string AskerId { get; set; } = "";
    public string AskerName { get; set; } = "";
    public string AuthorId { get; set; } = "";
    public string AuthorName { get; set; } = "";
    public string Question { get; set; } = "";
    public DateTimeOffset AskedAt { get; set; }
    public string? Answer { get; set; }
    public DateTimeOffset? AnsweredAt { get; set; }

    public string Id => RowKey.StartsWith(QuestionStore.Prefix, StringComparison.Ordinal) ? RowKey[QuestionStore.Prefix.Length..] : RowKey;

    public bool IsAnswered => Answer is not null;
}

public sealed class QuestionStore(Tables tables)
{
    public const string Prefix = "question|";

    /// <summary>The first row key after every question ('}' follows '|').</summary>
    private const string End = "question}";

    public static string Key(string questionId) => Prefix + questionId;

    /// <summary>True for a question row's key (the rest of a squad-week partition is markers, the draft and edits).</summary>
    public static bool IsQuestion(string rowKey) => rowKey.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>
    /// A question's id: who asked what about which item. The same click delivered again, or pressed again after Teams
    /// was busy, is the same question (kept once, sent once). Sixteen hex digits: short in keys and card data.
    /// </summary>
    public static string IdFor(string askerId, string itemId, string question) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', askerId, itemId, question))))[..16].ToLowerInvariant();

    /// <summary>Keeps a new question; false when it is already kept (a redelivered click).</summary>
    public Task<bool> AddAsync(QuestionRow row, CancellationToken cancellationToken) => tables.Cycle.TryAddAsync(row, cancellationToken);

    public Task<QuestionRow?> GetAsync(string squadId, IsoWeek askedWeek, string questionId, CancellationToken cancellationToken) =>
        tables.Cycle.FindAsync<QuestionRow>(EntryStore.Partition(squadId, askedWeek), Key(questionId), cancellationToken);

    /// <summary>Records the answer, only if nobody changed the question since it was read (its ETag).</summary>
    public Task<bool> TrySaveAnswerAsync(QuestionRow row, CancellationToken cancellationToken) => tables.Cycle.TryReplaceAsync(row, cancellationToken);

    /// <summary>Every question of one squad, all weeks, asked by or addressed to the person (a key range per squad, never a scan).</summary>
    public async Task<IReadOnlyList<QuestionRow>> ListForPersonAsync(string squadId, string userId, CancellationToken cancellationToken) =>
        await tables.Cycle.QueryPartitionRangeAsync<QuestionRow>(
            EntryStore.SquadPrefix(squadId),
            null,
            TableClient.CreateQueryFilter($"RowKey ge {Prefix} and RowKey lt {End} and (AskerId eq {userId} or AuthorId eq {userId})"),
            cancellationToken);

    public Task<int> DeleteAsync(IEnumerable<QuestionRow> rows, CancellationToken cancellationToken) => tables.Cycle.DeleteInBatchesAsync(rows, cancellationToken);
}
