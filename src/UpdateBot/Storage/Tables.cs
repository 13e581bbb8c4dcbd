using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;

namespace UpdateBot.Storage;

/// <summary>The service's tables. One client per table, created once; the Azure SDK's own retries are the only retry layer.</summary>
public sealed class Tables
{
    /// <param name="clientOptions">The SDK's client options when the host registers them (tests inject storage faults this way).</param>
    public Tables(IOptions<StorageOptions> options, TableClientOptions? clientOptions = null)
    {
        var o = options.Value;
        var service = o.ConnectionString is { Length: > 0 } connection
            ? new TableServiceClient(connection, clientOptions)
            : new TableServiceClient(
                o.TableServiceUri ?? throw new InvalidOperationException("Set Storage:ConnectionString or Storage:TableServiceUri."),
                o.ManagedIdentity(),
                clientOptions);
        Service = service;
        Prefix = o.TablePrefix;
        Squads = service.GetTableClient(o.TablePrefix + "Squads");
        Members = service.GetTableClient(o.TablePrefix + "Members");
        Conversations = service.GetTableClient(o.TablePrefix + "Conversations");
        EarlierEntries = service.GetTableClient(o.TablePrefix + EntriesName);
        Cycle = service.GetTableClient(o.TablePrefix + "Cycle");
        Editions = service.GetTableClient(o.TablePrefix + "Editions");
        People = service.GetTableClient(o.TablePrefix + "People");
        OpenEditions = service.GetTableClient(o.TablePrefix + "OpenEditions");
    }

    public TableServiceClient Service { get; }

    /// <summary>What every table name starts with (<see cref="StorageOptions.TablePrefix"/>).</summary>
    public string Prefix { get; }

    /// <summary>The name of the table answers were kept in before each week had its own, and the start of every week's table name.</summary>
    public const string EntriesName = "Entries";

    /// <summary>PK "squad", RK team id: settings and routing.</summary>
    public TableClient Squads { get; }

    /// <summary>PK squad, RK user id: the roster and each member's reachability.</summary>
    public TableClient Members { get; }

    /// <summary>PK "user" | "team" | "channel", RK id: conversation references with the newest serviceUrl.</summary>
    public TableClient Conversations { get; }

    /// <summary>
    /// PK squad|week, RK member: answers written by versions before each ISO week had its own table
    /// (<see cref="EntryStore"/>, which owns every answers table). Not created any more; read and swept while it exists.
    /// </summary>
    public TableClient EarlierEntries { get; }

    /// <summary>PK squad|week: step markers, per-member send markers, the review draft (and one row per lead edit) and the post marker; PK "lease": the cycle lease.</summary>
    public TableClient Cycle { get; }

    /// <summary>PK squad, RK week: published editions (history and Markdown export); PK squad|markdown, RK week|n: the rest of a long edition's Markdown.</summary>
    public TableClient Editions { get; }

    /// <summary>
    /// PK user id: RK "squad|" + squad id for every squad the person is on or leads (so "which squads is this person
    /// in" is one partition query), RK "choice|" + token for a squad choice waiting for its tap.
    /// </summary>
    public TableClient People { get; }

    /// <summary>PK public slug, RK week: the open (public) editions the weeknote pages serve; RK week|generation|n: the rest of a long one.</summary>
    public TableClient OpenEditions { get; }

    /// <summary>The tables created at start-up. The answers have one table per ISO week, created at its first write (<see cref="EntryStore"/>).</summary>
    public IEnumerable<TableClient> All => [Squads, Members, Conversations, Cycle, Editions, People, OpenEditions];

    public async Task EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        foreach (var table in All)
        {
            await table.CreateIfNotExistsAsync(cancellationToken);
        }
    }
}

/// <summary>Small helpers that turn the SDK's expected failures (404, 409, 412) into values.</summary>
public static class TableClientExtensions
{
    /// <summary>The most actions one entity-group transaction may hold, all in one partition (Azurite enforces neither).</summary>
    public const int MaxTransactionActions = 100;

    public static async Task<T?> FindAsync<T>(this TableClient table, string partitionKey, string rowKey, CancellationToken cancellationToken)
        where T : class, ITableEntity
    {
        var response = await table.GetEntityIfExistsAsync<T>(partitionKey, rowKey, cancellationToken: cancellationToken);
        return response.HasValue ? response.Value : null;
    }

    /// <summary>Inserts if absent (the entity then carries its new ETag). False when the row already exists (someone else got there first).</summary>
    public static async Task<bool> TryAddAsync<T>(this TableClient table, T entity, CancellationToken cancellationToken)
        where T : ITableEntity
    {
        try
        {
            var response = await table.AddEntityAsync(entity, cancellationToken);
            entity.ETag = response.Headers.ETag ?? entity.ETag;
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return false;
        }
    }

    /// <summary>Deletes only if unchanged since read (ETag). True when it is gone (deleted now, or already), false on a concurrent change (412).</summary>
    public static async Task<bool> TryDeleteAsync<T>(this TableClient table, T entity, CancellationToken cancellationToken)
        where T : ITableEntity
    {
        try
        {
            await table.DeleteEntityAsync(entity.PartitionKey, entity.RowKey, entity.ETag, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 412)
        {
            return false;
        }
    }

    /// <summary>Replaces only if unchanged since read (ETag). False on a concurrent change (412).</summary>
    public static async Task<bool> TryReplaceAsync<T>(this TableClient table, T entity, CancellationToken cancellationToken)
        where T : ITableEntity
    {
        try
        {
            var response = await table.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Replace, cancellationToken);
            entity.ETag = response.Headers.ETag ?? entity.ETag;
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 412 or 404)
        {
            return false;
        }
    }

    /// <summary>
    /// Read-modify-write under the row's ETag, re-read and retried when someone else changed it in between.
    /// <paramref name="change"/> returns false when there is nothing to write. Null when the row does not exist.
    /// </summary>
    public static async Task<T?> UpdateAsync<T>(this TableClient table, string partitionKey, string rowKey, Func<T, bool> change, CancellationToken cancellationToken)
        where T : class, ITableEntity
    {
        const int attempts = 8;
        for (var attempt = 0; attempt < attempts; attempt++)
        {
            var row = await table.FindAsync<T>(partitionKey, rowKey, cancellationToken);
            if (row is null || !change(row) || await table.TryReplaceAsync(row, cancellationToken))
            {
                return row;
            }
        }

        throw new InvalidOperationException($"{typeof(T).Name} {partitionKey}/{rowKey} kept changing under concurrent writers; gave up after {attempts} attempts.");
    }

    /// <summary>
    /// Rows of every partition whose key starts with <paramref name="partitionPrefix"/> and sorts before
    /// <paramref name="partitionBefore"/> (all of them when null): a key-range query, never a whole-table scan.
    /// <paramref name="rowFilter"/> is an OData filter on the rest of the row (built with <see cref="TableClient.CreateQueryFilter(FormattableString)"/>).
    /// </summary>
    public static async Task<List<T>> QueryPartitionRangeAsync<T>(this TableClient table, string partitionPrefix, string? partitionBefore, string? rowFilter, CancellationToken cancellationToken, IEnumerable<string>? select = null)
        where T : class, ITableEntity
    {
        // '}' sorts after every character a key part may contain at that position ('|' is escaped by TableKey), so
        // prefix + '}' bounds the range.
        var upper = partitionBefore ?? partitionPrefix + "}";
        var filter = TableClient.CreateQueryFilter($"PartitionKey ge {partitionPrefix} and PartitionKey lt {upper}");
        if (rowFilter is not null)
        {
            filter += " and (" + rowFilter + ")";
        }

        var results = new List<T>();
        await foreach (var entity in table.QueryAsync<T>(filter, select: select, cancellationToken: cancellationToken))
        {
            results.Add(entity);
        }

        return results;
    }

    /// <summary>Deletes every row matching <paramref name="filter"/> (reading their keys only), in batches. Returns how many went.</summary>
    public static async Task<int> DeleteWhereAsync(this TableClient table, string filter, CancellationToken cancellationToken)
    {
        var rows = new List<TableEntity>();
        await foreach (var row in table.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken))
        {
            rows.Add(row);
        }

        return await table.DeleteInBatchesAsync(rows, cancellationToken);
    }

    /// <summary>
    /// Adds new rows in entity-group transactions (one request per 100 rows of a partition instead of one per row). If a
    /// batch fails (a row was added meanwhile: one 409 fails them all), that batch's rows are added one by one and the
    /// rows already there are left as they are. Returns the rows this call added.
    /// </summary>
    public static Task<IReadOnlyList<T>> AddInBatchesAsync<T>(this TableClient table, IEnumerable<T> rows, CancellationToken cancellationToken)
        where T : ITableEntity =>
        table.InBatchesAsync(rows, TableTransactionActionType.Add, row => table.TryAddAsync(row, cancellationToken), cancellationToken);

    /// <summary>Deletes rows in entity-group transactions; a batch that meets a row gone meanwhile (one 404 fails them all) deletes the rest one by one. Returns how many went.</summary>
    public static async Task<int> DeleteInBatchesAsync(this TableClient table, IEnumerable<ITableEntity> rows, CancellationToken cancellationToken) =>
        (await table.InBatchesAsync(rows, TableTransactionActionType.Delete, async row =>
        {
            try
            {
                await table.DeleteEntityAsync(row.PartitionKey, row.RowKey, ETag.All, cancellationToken);
                return true;
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                return false;
            }
        }, cancellationToken)).Count;

    /// <summary>
    /// The service's batch limits in one place: at most <see cref="MaxTransactionActions"/> rows, one partition, each row
    /// once, per transaction. A transaction that fails as a whole is done row by row with <paramref name="oneByOne"/>
    /// (true when that row was done). Returns the rows done.
    /// </summary>
    private static async Task<IReadOnlyList<T>> InBatchesAsync<T>(this TableClient table, IEnumerable<T> rows, TableTransactionActionType action, Func<T, Task<bool>> oneByOne, CancellationToken cancellationToken)
        where T : ITableEntity
    {
        var done = new List<T>();
        foreach (var partition in rows.GroupBy(r => r.PartitionKey, StringComparer.Ordinal))
        {
            foreach (var chunk in partition.DistinctBy(r => r.RowKey, StringComparer.Ordinal).Chunk(MaxTransactionActions))
            {
                try
                {
                    await table.SubmitTransactionAsync(chunk.Select(r => new TableTransactionAction(action, r, ETag.All)), cancellationToken);
                    done.AddRange(chunk);
                }
                catch (TableTransactionFailedException)
                {
                    foreach (var row in chunk)
                    {
                        if (await oneByOne(row))
                        {
                            done.Add(row);
                        }
                    }
                }
            }
        }

        return done;
    }

    public static async Task<List<T>> QueryPartitionAsync<T>(this TableClient table, string partitionKey, CancellationToken cancellationToken)
        where T : class, ITableEntity
    {
        var results = new List<T>();
        await foreach (var entity in table.QueryAsync<T>(e => e.PartitionKey == partitionKey, cancellationToken: cancellationToken))
        {
            results.Add(entity);
        }

        return results;
    }
}
