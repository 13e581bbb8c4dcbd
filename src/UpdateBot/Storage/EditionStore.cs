using Azure;
using Azure.Data.Tables;
using UpdateBot.Domain;

namespace UpdateBot.Storage;

/// <summary>
/// Published editions: history, Markdown export, and where each channel post is. A weeknote's Markdown can pass what
/// one property holds (<see cref="StoredText.MaxPropertyChars"/>): the edition row keeps the first part and the rest
/// go in part rows of their own partition (squad|markdown, row key week|n), so history stays one small query and a
/// long weeknote is still saved and exported whole. Callers always see <see cref="EditionRow.Markdown"/> whole.
/// </summary>
public sealed class EditionStore(Tables tables)
{
    public async Task SaveAsync(string squadId, IsoWeek week, EditionRow row, CancellationToken cancellationToken)
    {
        row.PartitionKey = TableKey.Encode(squadId);
        row.RowKey = week.ToString();
        row.Week = week.ToString();
        var whole = row.Markdown;
        var parts = StoredText.Split(whole, StoredText.MaxPropertyChars);

        // The parts first, the edition row last: a reader never finds an edition whose parts are not there yet.
        var partition = PartsPartition(squadId);
        for (var i = 1; i < parts.Count; i++)
        {
            await tables.Editions.UpsertEntityAsync(new TableEntity(partition, PartKey(week, i)) { [nameof(EditionRow.Markdown)] = parts[i] }, TableUpdateMode.Replace, cancellationToken);
        }

        var previousParts = row.MarkdownParts;
        row.Markdown = parts[0];
        row.MarkdownParts = parts.Count;
        try
        {
            await tables.Editions.UpsertEntityAsync(row, TableUpdateMode.Replace, cancellationToken);
        }
        finally
        {
            row.Markdown = whole;
        }

        // A correction that made the weeknote shorter leaves parts nobody reads: removed.
        for (var i = parts.Count; i < previousParts; i++)
        {
            await tables.Editions.DeleteEntityAsync(partition, PartKey(week, i), ETag.All, cancellationToken);
        }
    }

    public async Task<EditionRow?> GetAsync(string squadId, IsoWeek week, CancellationToken cancellationToken)
    {
        var row = await tables.Editions.FindAsync<EditionRow>(TableKey.Encode(squadId), week.ToString(), cancellationToken);
        return row is null ? null : await JoinPartsAsync(squadId, row, cancellationToken);
    }

    /// <summary>Newest first, without their Markdown (history shows titles and links; export reads one edition).</summary>
    public async Task<IReadOnlyList<EditionRow>> ListAsync(string squadId, int max, CancellationToken cancellationToken)
    {
        var rows = new List<EditionRow>();
        string[] columns = [nameof(EditionRow.Edition), nameof(EditionRow.Week), nameof(EditionRow.Title), nameof(EditionRow.DateRange), nameof(EditionRow.Participation), nameof(EditionRow.ConversationId), nameof(EditionRow.ActivityId), nameof(EditionRow.PublishedAt)];
        var partition = TableKey.Encode(squadId);
        await foreach (var row in tables.Editions.QueryAsync<EditionRow>(r => r.PartitionKey == partition, select: columns, cancellationToken: cancellationToken))
        {
            rows.Add(row);
        }

        return rows.OrderByDescending(r => r.Edition).Take(max).ToList();
    }

    /// <summary>Deletes the editions of weeks before <paramref name="cutoffWeek"/> with their Markdown parts (retention). Returns how many rows went.</summary>
    public async Task<int> DeleteBeforeAsync(string squadId, IsoWeek cutoffWeek, CancellationToken cancellationToken)
    {
        var deleted = 0;
        // Part row keys are "week|n": every part of a week before the cutoff sorts before the cutoff week too.
        foreach (var partition in new[] { TableKey.Encode(squadId), PartsPartition(squadId) })
        {
            deleted += await tables.Editions.DeleteWhereAsync(TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey lt {cutoffWeek.ToString()}"), cancellationToken);
        }

        return deleted;
    }

    private async Task<EditionRow> JoinPartsAsync(string squadId, EditionRow row, CancellationToken cancellationToken)
    {
        if (row.MarkdownParts <= 1 || !IsoWeek.TryParse(row.RowKey, out var week))
        {
            return row;
        }

        var markdown = new System.Text.StringBuilder(row.Markdown);
        for (var i = 1; i < row.MarkdownParts; i++)
        {
            var part = await tables.Editions.FindAsync<TableEntity>(PartsPartition(squadId), PartKey(week, i), cancellationToken);
            markdown.Append(part?.GetString(nameof(EditionRow.Markdown)) ?? "");
        }

        row.Markdown = markdown.ToString();
        return row;
    }

    private static string PartsPartition(string squadId) => TableKey.Join(squadId, "markdown");

    private static string PartKey(IsoWeek week, int part) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{week}|{part:D3}");
}
