using UpdateBot.Domain;

namespace UpdateBot.Storage;

/// <summary>Published editions: history, Markdown export, and where each channel post is.</summary>
public sealed class EditionStore(Tables tables)
{
    public async Task SaveAsync(string squadId, IsoWeek week, EditionRow row, CancellationToken cancellationToken)
    {
        row.PartitionKey = TableKey.Encode(squadId);
        row.RowKey = week.ToString();
        row.Week = week.ToString();
        await tables.Editions.UpsertEntityAsync(row, Azure.Data.Tables.TableUpdateMode.Replace, cancellationToken);
    }

    public Task<EditionRow?> GetAsync(string squadId, IsoWeek week, CancellationToken cancellationToken) =>
        tables.Editions.FindAsync<EditionRow>(TableKey.Encode(squadId), week.ToString(), cancellationToken);

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
}
