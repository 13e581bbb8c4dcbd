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

    /// <summary>Newest first.</summary>
    public async Task<IReadOnlyList<EditionRow>> ListAsync(string squadId, int max, CancellationToken cancellationToken)
    {
        var rows = await tables.Editions.QueryPartitionAsync<EditionRow>(TableKey.Encode(squadId), cancellationToken);
        return rows.OrderByDescending(r => r.Edition).Take(max).ToList();
    }
}
