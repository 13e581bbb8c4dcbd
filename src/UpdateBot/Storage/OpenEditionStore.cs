using System.Globalization;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using UpdateBot.Domain;

namespace UpdateBot.Storage;

/// <summary>
/// The open (public) editions the weeknote pages and feed serve, keyed by the squad's public slug and the week
/// (PK slug, RK "2026-W48"). Each edition is one row holding its JSON; a long one (past
/// <see cref="StoredText.MaxPropertyChars"/>) keeps the rest in part rows of the same partition (RK week|generation|n),
/// so one partition query reads every edition of a slug. A rewrite writes its parts under a new generation before it
/// switches the edition row to them, then deletes the old ones: a reader never joins parts of two versions.
/// </summary>
public sealed class OpenEditionStore(Tables tables)
{
    private const int ReadAttempts = 3;
    private const int WriteAttempts = 8;

    /// <summary>Saves the edition, replacing the one of the same slug and week (a correction, or a new name).</summary>
    public async Task SaveAsync(OpenEdition edition, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(edition);
        var previous = await tables.OpenEditions.FindAsync<OpenEditionRow>(TableKey.Encode(edition.Slug), edition.Week.ToString(), cancellationToken);
        await WriteAsync(edition, previous, ifMatch: null, cancellationToken);
    }

    /// <summary>The edition of <paramref name="week"/>, or null when the slug has none for that week.</summary>
    public async Task<OpenEdition?> GetAsync(string slug, IsoWeek week, CancellationToken cancellationToken) =>
        (await GetRowAsync(slug, week, cancellationToken))?.Edition;

    /// <summary>Every edition of the slug, newest week first (empty when the slug has none).</summary>
    public async Task<IReadOnlyList<OpenEdition>> ListAsync(string slug, CancellationToken cancellationToken)
    {
        var partition = TableKey.Encode(slug);
        var mains = new List<OpenEditionRow>();
        var parts = new Dictionary<string, string>(StringComparer.Ordinal);
        await foreach (var row in tables.OpenEditions.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {partition}"), cancellationToken: cancellationToken))
        {
            if (row.RowKey.Contains('|', StringComparison.Ordinal))
            {
                parts[row.RowKey] = row.GetString(nameof(OpenEditionRow.Json)) ?? "";
            }
            else
            {
                mains.Add(ToRow(row));
            }
        }

        var editions = new List<OpenEdition>(mains.Count);
        foreach (var row in mains)
        {
            // A part missing from this snapshot was replaced meanwhile: that edition is read again on its own.
            var edition = TryJoin(row, key => parts.GetValueOrDefault(key))
                ?? (IsoWeek.TryParse(row.RowKey, out var week) ? await GetAsync(slug, week, cancellationToken) : null);
            if (edition is not null)
            {
                editions.Add(edition);
            }
        }

        return editions.OrderByDescending(e => e.Week).ThenByDescending(e => e.Edition).ToList();
    }

    /// <summary>Deletes every edition of the slug (the squad stopped publishing openly). Returns how many editions went.</summary>
    public async Task<int> DeleteAllAsync(string slug, CancellationToken cancellationToken)
    {
        var rows = new List<TableEntity>();
        await foreach (var row in tables.OpenEditions.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {TableKey.Encode(slug)}"), select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken))
        {
            rows.Add(row);
        }

        await tables.OpenEditions.DeleteInBatchesAsync(rows, cancellationToken);
        return rows.Count(r => !r.RowKey.Contains('|', StringComparison.Ordinal));
    }

    /// <summary>
    /// Removes the member's items from every edition of the slug (their erasure): the items go, sections left empty go,
    /// and <see cref="OpenEdition.UpdatedAt"/> becomes <paramref name="now"/>. Returns the editions that changed, as
    /// saved. An edition changed concurrently is read again and the removal reapplied.
    /// </summary>
    public async Task<IReadOnlyList<OpenEdition>> RemoveMemberAsync(string slug, string memberId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var changed = new List<OpenEdition>();
        foreach (var listed in await ListAsync(slug, cancellationToken))
        {
            if (!Mentions(listed, memberId))
            {
                continue;
            }

            for (var attempt = 1; ; attempt++)
            {
                var current = await GetRowAsync(slug, listed.Week, cancellationToken);
                if (current is null || !Mentions(current.Value.Edition, memberId))
                {
                    break;
                }

                var without = Without(current.Value.Edition, memberId) with { UpdatedAt = now };
                if (await WriteAsync(without, current.Value.Row, current.Value.Row.ETag, cancellationToken))
                {
                    changed.Add(without);
                    break;
                }

                if (attempt == WriteAttempts)
                {
                    throw new InvalidOperationException($"The open edition {slug}/{listed.Week} kept changing under concurrent writers; gave up after {WriteAttempts} attempts.");
                }
            }
        }

        return changed;
    }

    private static bool Mentions(OpenEdition edition, string memberId) =>
        edition.Sections.Any(s => s.Items.Any(i => string.Equals(i.MemberId, memberId, StringComparison.Ordinal)));

    private static OpenEdition Without(OpenEdition edition, string memberId) => edition with
    {
        Sections = edition.Sections
            .Select(s => s with { Items = s.Items.Where(i => !string.Equals(i.MemberId, memberId, StringComparison.Ordinal)).ToList() })
            .Where(s => s.Items.Count > 0)
            .ToList(),
    };

    /// <summary>
    /// Writes the edition: its parts under a new generation, then the edition row (replacing it unconditionally, or
    /// only if it still has <paramref name="ifMatch"/>), then the parts of <paramref name="previous"/>. False when the
    /// row changed since <paramref name="ifMatch"/> (the new parts are removed again).
    /// </summary>
    private async Task<bool> WriteAsync(OpenEdition edition, OpenEditionRow? previous, ETag? ifMatch, CancellationToken cancellationToken)
    {
        var partition = TableKey.Encode(edition.Slug);
        var week = edition.Week.ToString();
        var parts = StoredText.Split(JsonSerializer.Serialize(StoredEdition.From(edition), StoredText.Json), StoredText.MaxPropertyChars);
        var generation = Guid.NewGuid().ToString("N")[..12];
        for (var i = 1; i < parts.Count; i++)
        {
            await tables.OpenEditions.UpsertEntityAsync(new TableEntity(partition, PartKey(week, generation, i)) { [nameof(OpenEditionRow.Json)] = parts[i] }, TableUpdateMode.Replace, cancellationToken);
        }

        var row = new OpenEditionRow
        {
            PartitionKey = partition,
            RowKey = week,
            Edition = edition.Edition,
            Week = week,
            UpdatedAt = edition.UpdatedAt,
            Json = parts[0],
            JsonParts = parts.Count,
            Generation = generation,
        };

        if (ifMatch is { } etag)
        {
            row.ETag = etag;
            if (!await tables.OpenEditions.TryReplaceAsync(row, cancellationToken))
            {
                await DeletePartsAsync(partition, week, generation, parts.Count, cancellationToken);
                return false;
            }
        }
        else
        {
            await tables.OpenEditions.UpsertEntityAsync(row, TableUpdateMode.Replace, cancellationToken);
        }

        if (previous is not null && previous.Generation != generation)
        {
            await DeletePartsAsync(partition, week, previous.Generation, previous.JsonParts, cancellationToken);
        }

        return true;
    }

    private async Task DeletePartsAsync(string partition, string week, string generation, int count, CancellationToken cancellationToken)
    {
        for (var i = 1; i < count; i++)
        {
            try
            {
                await tables.OpenEditions.DeleteEntityAsync(partition, PartKey(week, generation, i), ETag.All, cancellationToken);
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
            }
        }
    }

    private async Task<(OpenEditionRow Row, OpenEdition Edition)?> GetRowAsync(string slug, IsoWeek week, CancellationToken cancellationToken)
    {
        var partition = TableKey.Encode(slug);
        for (var attempt = 0; attempt < ReadAttempts; attempt++)
        {
            var row = await tables.OpenEditions.FindAsync<OpenEditionRow>(partition, week.ToString(), cancellationToken);
            if (row is null)
            {
                return null;
            }

            var parts = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 1; i < row.JsonParts; i++)
            {
                var key = PartKey(row.RowKey, row.Generation, i);
                if (await tables.OpenEditions.FindAsync<TableEntity>(partition, key, cancellationToken) is { } part)
                {
                    parts[key] = part.GetString(nameof(OpenEditionRow.Json)) ?? "";
                }
            }

            if (TryJoin(row, key => parts.GetValueOrDefault(key)) is { } edition)
            {
                return (row, edition);
            }
        }

        throw new InvalidOperationException($"The open edition {slug}/{week} has parts missing (it kept being rewritten while read).");
    }

    /// <summary>The edition the row and its parts hold, or null when a part is missing (the row was rewritten meanwhile).</summary>
    private static OpenEdition? TryJoin(OpenEditionRow row, Func<string, string?> part)
    {
        var json = new StringBuilder(row.Json);
        for (var i = 1; i < row.JsonParts; i++)
        {
            if (part(PartKey(row.RowKey, row.Generation, i)) is not { } text)
            {
                return null;
            }

            json.Append(text);
        }

        return JsonSerializer.Deserialize<StoredEdition>(json.ToString(), StoredText.Json)?.ToEdition();
    }

    private static OpenEditionRow ToRow(TableEntity entity) => new()
    {
        PartitionKey = entity.PartitionKey,
        RowKey = entity.RowKey,
        ETag = entity.ETag,
        Edition = entity.GetInt32(nameof(OpenEditionRow.Edition)) ?? 0,
        Week = entity.GetString(nameof(OpenEditionRow.Week)) ?? "",
        UpdatedAt = entity.GetDateTimeOffset(nameof(OpenEditionRow.UpdatedAt)) ?? default,
        Json = entity.GetString(nameof(OpenEditionRow.Json)) ?? "",
        JsonParts = entity.GetInt32(nameof(OpenEditionRow.JsonParts)) ?? 1,
        Generation = entity.GetString(nameof(OpenEditionRow.Generation)) ?? "",
    };

    private static string PartKey(string week, string generation, int part) =>
        string.Create(CultureInfo.InvariantCulture, $"{week}|{generation}|{part:D3}");

    /// <summary>The stored shape of an <see cref="OpenEdition"/> (the week as "2026-W48").</summary>
    private sealed record StoredEdition(
        string SquadName,
        string Slug,
        string Week,
        int Edition,
        string Title,
        string DateRange,
        string? Intro,
        IReadOnlyList<OpenSection> Sections,
        DateTimeOffset PublishedAt,
        DateTimeOffset UpdatedAt,
        string? FindOutMoreUrl)
    {
        public static StoredEdition From(OpenEdition e) =>
            new(e.SquadName, e.Slug, e.Week.ToString(), e.Edition, e.Title, e.DateRange, e.Intro, e.Sections, e.PublishedAt, e.UpdatedAt, e.FindOutMoreUrl);

        public OpenEdition ToEdition() =>
            new(SquadName, Slug, IsoWeek.Parse(Week), Edition, Title, DateRange, Intro, Sections ?? [], PublishedAt, UpdatedAt, FindOutMoreUrl);
    }
}
