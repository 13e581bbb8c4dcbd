using System.Globalization;
using System.Text;
using Azure;
using Azure.Data.Tables;

namespace UpdateBot.Storage;

/// <summary>
/// The week's channel post as split into parts when it was published (and as each correction left it): one row per
/// part, <c>snapshot|post|NNN</c> in the squad-week's partition of the cycle table, holding the part's card JSON.
/// Continuation parts and retries of a failed part are sent from it, and a correction compares against it, so the
/// channel never mixes two splits of a weeknote that changed in between. A card's JSON longer than one property
/// holds (<see cref="StoredText"/>) continues in further properties of the same row.
/// </summary>
public sealed class PostSnapshotStore(Tables tables)
{
    private const string Prefix = "snapshot|post|";

    /// <summary>The first row key after every snapshot row ('}' follows '|').</summary>
    private const string End = "snapshot|post}";

    private const string JsonProperty = "Json";

    /// <summary>The parts' card JSON in order, or null when the week has no snapshot (published before snapshots, or erased).</summary>
    public async Task<IReadOnlyList<string>?> GetAsync(string partition, CancellationToken cancellationToken)
    {
        var rows = await ListRowsAsync(partition, cancellationToken);
        if (rows.Count == 0)
        {
            return null;
        }

        var parts = new List<string>();
        foreach (var row in rows.OrderBy(r => r.RowKey, StringComparer.Ordinal))
        {
            var json = new StringBuilder(row.GetString(JsonProperty) ?? "");
            for (var i = 1; row.GetString(JsonProperty + i.ToString(CultureInfo.InvariantCulture)) is { } more; i++)
            {
                json.Append(more);
            }

            parts.Add(json.ToString());
        }

        return parts;
    }

    /// <summary>Replaces the snapshot with <paramref name="parts"/> (rows past their count are removed), in one transaction when it fits one.</summary>
    public async Task SaveAsync(string partition, IReadOnlyList<string> parts, CancellationToken cancellationToken)
    {
        var existing = await ListRowsAsync(partition, cancellationToken);
        var actions = new List<TableTransactionAction>();
        for (var i = 0; i < parts.Count; i++)
        {
            var row = new TableEntity(partition, Key(i));
            var pieces = StoredText.Split(parts[i], StoredText.MaxPropertyChars);
            for (var p = 0; p < pieces.Count; p++)
            {
                row[p == 0 ? JsonProperty : JsonProperty + p.ToString(CultureInfo.InvariantCulture)] = pieces[p];
            }

            actions.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, row));
        }

        var keep = parts.Select((_, i) => Key(i)).ToHashSet(StringComparer.Ordinal);
        actions.AddRange(existing.Where(r => !keep.Contains(r.RowKey))
            .Select(r => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(partition, r.RowKey), ETag.All)));

        foreach (var batch in actions.Chunk(TableClientExtensions.MaxTransactionActions))
        {
            await tables.Cycle.SubmitTransactionAsync(batch, cancellationToken);
        }
    }

    /// <summary>Removes the week's snapshot (erasure: it holds members' words). Later parts are then made from the weeknote as it stands.</summary>
    public Task<int> DeleteAsync(string partition, CancellationToken cancellationToken) =>
        tables.Cycle.DeleteWhereAsync(Rows(partition), cancellationToken);

    private async Task<List<TableEntity>> ListRowsAsync(string partition, CancellationToken cancellationToken)
    {
        var rows = new List<TableEntity>();
        await foreach (var row in tables.Cycle.QueryAsync<TableEntity>(Rows(partition), cancellationToken: cancellationToken))
        {
            rows.Add(row);
        }

        return rows;
    }

    private static string Rows(string partition) =>
        TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {Prefix} and RowKey lt {End}");

    private static string Key(int part) => Prefix + part.ToString("D3", CultureInfo.InvariantCulture);
}
