using System.Security.Cryptography;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Caching.Memory;
using UpdateBot.Domain;

namespace UpdateBot.Storage;

/// <summary>
/// The per-person index (<see cref="Tables.People"/>): which squads someone is on or leads, kept in step with the roster
/// and the settings, so that finding a person's squads is one point read (<see cref="SquadListRow"/>); and the squad
/// choices waiting for a tap. A link says "look at this squad", never "is a member": the squad and roster rows stay the truth.
/// </summary>
/// <remarks>
/// Finding which squads a message is for reads the list on every message a person sends, and it rarely changes, so
/// <see cref="RecentSquadIdsAsync"/> keeps the lists this instance read in process for <see cref="CacheLifetime"/>
/// (a help turn then costs no storage call at all: docs/benchmarks.md, "Turns"). This instance's own writes replace
/// them at once; a squad another instance linked meanwhile is seen once the entry expires. Everything that acts on every
/// squad of a person (erasure, my data, copying a language or time zone) reads the stored list.
/// </remarks>
public sealed class PeopleStore(Tables tables, TimeProvider time, int cacheCapacity = PeopleStore.DefaultCacheCapacity) : IDisposable
{
    /// <summary>How many people's squad lists the cache holds at most (a few dozen bytes each).</summary>
    public const int DefaultCacheCapacity = 20_000;

    /// <summary>How long a cached squad list may stand in for the stored one (how late a squad linked by another instance can be seen here).</summary>
    public static readonly TimeSpan CacheLifetime = TimeSpan.FromMinutes(1);

    private readonly MemoryCache squadLists = new(new MemoryCacheOptions { SizeLimit = cacheCapacity, Clock = new CacheClock(time) });

    /// <summary>Counts this instance's finished writes of squad lists: a read that a write overtook is not cached.</summary>
    private long listWrites;

    private const string SquadPrefix = "squad|";
    private const string SquadListPrefix = "squads|";
    private const string ChoicePrefix = "choice|";
    private const string ProfileKey = "profile";

    /// <summary>How long a squad choice waits for its tap.</summary>
    public static readonly TimeSpan ChoiceLifetime = TimeSpan.FromDays(1);

    /// <summary>
    /// Puts the squad on the person's list. A person with no list row yet (a newcomer, at a roster sync) gets one in a
    /// single insert; the link rows of the earlier layout, if they have any, are folded in at the first read.
    /// </summary>
    public async Task LinkAsync(string userId, string squadId, CancellationToken cancellationToken)
    {
        try
        {
            if (!await tables.People.TryAddAsync(ListRow(userId, [squadId], earlierLinksRead: false), cancellationToken))
            {
                await ChangeSquadsAsync(userId, ids => !ids.Contains(squadId, StringComparer.Ordinal) && Added(ids, squadId), cancellationToken);
            }
        }
        finally
        {
            Written(userId);
        }
    }

    public async Task UnlinkAsync(string userId, string squadId, CancellationToken cancellationToken)
    {
        await ChangeSquadsAsync(userId, ids => ids.Remove(squadId), cancellationToken);

        // A link row of the earlier layout goes too, if this person still has one.
        try
        {
            await tables.People.DeleteEntityAsync(TableKey.Encode(userId), SquadPrefix + TableKey.Encode(squadId), ETag.All, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
        }
    }

    /// <summary>
    /// The squads linked to this person: one point read. A person stored before the list row existed has one link row
    /// per squad instead; those are read once (a partition query) into their list row, so every later read is a point
    /// read (the row is written even when empty, so that someone on no squad costs no query either; it goes when they
    /// erase their data, and a list that an unlink empties is deleted).
    /// </summary>
    public async Task<IReadOnlyList<string>> SquadIdsAsync(string userId, CancellationToken cancellationToken)
    {
        var writesBefore = Interlocked.Read(ref listWrites);
        for (var attempt = 0; attempt < WriteAttempts; attempt++)
        {
            var row = await tables.People.FindAsync<SquadListRow>(TableKey.Encode(userId), SquadListKey(userId), cancellationToken);
            if (row is { EarlierLinksRead: true })
            {
                return Remember(userId, Read(row), writesBefore);
            }

            List<string> ids = [.. row is null ? [] : Read(row), .. await LinkedEarlierAsync(userId, cancellationToken)];
            var merged = ListRow(userId, ids, earlierLinksRead: true, row?.ETag ?? default);
            bool stored;
            var writesBeforeThis = Interlocked.Read(ref listWrites);
            try
            {
                stored = row is null ? await tables.People.TryAddAsync(merged, cancellationToken) : await tables.People.TryReplaceAsync(merged, cancellationToken);
            }
            finally
            {
                Written(userId);
            }

            if (stored)
            {
                // Cached only if this write was the only one to finish since it began.
                return Remember(userId, Read(merged), writesBeforeThis + 1);
            }

            writesBefore = Interlocked.Read(ref listWrites);
        }

        throw new InvalidOperationException($"The squad list of {userId} kept changing under concurrent writers; gave up after {WriteAttempts} attempts.");
    }

    /// <summary>
    /// The squads linked to this person as this instance last read or wrote them within <see cref="CacheLifetime"/>,
    /// else as stored. For finding which squads a message may be for: each is then checked against its squad and roster
    /// rows, so a squad unlinked meanwhile is never acted for, and one linked through another instance in the last
    /// minute is missed only until the entry expires.
    /// </summary>
    public async Task<IReadOnlyList<string>> RecentSquadIdsAsync(string userId, CancellationToken cancellationToken) =>
        squadLists.TryGetValue(userId, out IReadOnlyList<string>? known) ? known! : await SquadIdsAsync(userId, cancellationToken);

    private IReadOnlyList<string> Remember(string userId, List<string> ids, long writesBefore)
    {
        IReadOnlyList<string> list = ids.ToArray();
        // A write of this instance that finished while the row was read may have changed it: keep nothing then. Checked
        // again once stored, since a write finishing in between had no copy to remove yet.
        if (Interlocked.Read(ref listWrites) == writesBefore)
        {
            squadLists.Set(userId, list, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = CacheLifetime });
            if (Interlocked.Read(ref listWrites) != writesBefore)
            {
                squadLists.Remove(userId);
            }
        }

        return list;
    }

    /// <summary>After any write of the person's list (done or not): the cached copy goes, and reads in flight are not cached.</summary>
    private void Written(string userId)
    {
        Interlocked.Increment(ref listWrites);
        squadLists.Remove(userId);
    }

    public void Dispose() => squadLists.Dispose();

    /// <summary>Writers of one person's list row at once (roster syncs of several squads) each win a round in turn: this many can meet.</summary>
    private const int WriteAttempts = 16;

    /// <summary>
    /// Adds or removes a squad in the person's list row, under its ETag (roster syncs of two squads may link the same
    /// person at once). <paramref name="change"/> returns false when the list already says so. A list left empty is
    /// deleted: someone on no squad keeps no row with their id (a leaver swept by retention, an erasure).
    /// </summary>
    private async Task ChangeSquadsAsync(string userId, Func<List<string>, bool> change, CancellationToken cancellationToken)
    {
        try
        {
            await ChangeStoredSquadsAsync(userId, change, cancellationToken);
        }
        finally
        {
            Written(userId);
        }
    }

    private async Task ChangeStoredSquadsAsync(string userId, Func<List<string>, bool> change, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < WriteAttempts; attempt++)
        {
            var row = await tables.People.FindAsync<SquadListRow>(TableKey.Encode(userId), SquadListKey(userId), cancellationToken);
            var ids = row is null ? [] : Read(row);
            var changed = change(ids);
            if (ids.Count == 0)
            {
                if (row is null || await tables.People.TryDeleteAsync(row, cancellationToken))
                {
                    return;
                }

                continue;
            }

            if (!changed && row is not null)
            {
                return;
            }

            var updated = ListRow(userId, ids, row?.EarlierLinksRead ?? false, row?.ETag ?? default);
            if (row is null ? await tables.People.TryAddAsync(updated, cancellationToken) : await tables.People.TryReplaceAsync(updated, cancellationToken))
            {
                return;
            }
        }

        throw new InvalidOperationException($"The squad list of {userId} kept changing under concurrent writers; gave up after {WriteAttempts} attempts.");
    }

    /// <summary>Erasure: the person's list row goes if it lists no squad (their squads' links stay while they are on the roster).</summary>
    public Task ForgetIfOnNoSquadAsync(string userId, CancellationToken cancellationToken) =>
        ChangeSquadsAsync(userId, _ => false, cancellationToken);

    /// <summary>
    /// The row key repeats the person's id: Azurite (the local and test store) finds a point read by its row key first
    /// and then filters on the partition key, so a row key every person shared would make each read there walk everyone's.
    /// </summary>
    private static string SquadListKey(string userId) => SquadListPrefix + TableKey.Encode(userId);

    private static SquadListRow ListRow(string userId, IEnumerable<string> squadIds, bool earlierLinksRead, ETag etag = default) => new()
    {
        PartitionKey = TableKey.Encode(userId),
        RowKey = SquadListKey(userId),
        SquadIdsJson = JsonSerializer.Serialize(squadIds.Distinct(StringComparer.Ordinal).ToList(), StoredText.Json),
        EarlierLinksRead = earlierLinksRead,
        ETag = etag,
    };

    private static bool Added(List<string> ids, string squadId)
    {
        ids.Add(squadId);
        return true;
    }

    private static List<string> Read(SquadListRow row) => JsonSerializer.Deserialize<List<string>>(row.SquadIdsJson, StoredText.Json) ?? [];

    /// <summary>The link rows of the layout before <see cref="SquadListRow"/> (one per squad): one partition, a row-key range.</summary>
    private async Task<List<string>> LinkedEarlierAsync(string userId, CancellationToken cancellationToken) =>
        (await QueryAsync<SquadLinkRow>(userId, SquadPrefix, cancellationToken)).Select(r => r.SquadId).ToList();

    /// <summary>How the person chose to be named in open weeknotes; null until they chose (then "a member of the team" is used).</summary>
    public async Task<PublicName?> GetPublicNameAsync(string userId, CancellationToken cancellationToken) =>
        await tables.People.FindAsync<ProfileRow>(TableKey.Encode(userId), ProfileKey, cancellationToken) is { } row && Enum.TryParse<PublicName>(row.PublicName, out var name)
            ? name
            : null;

    public Task SetPublicNameAsync(string userId, PublicName name, CancellationToken cancellationToken) =>
        tables.People.UpsertEntityAsync(
            new ProfileRow { PartitionKey = TableKey.Encode(userId), RowKey = ProfileKey, PublicName = name.ToString() },
            TableUpdateMode.Replace,
            cancellationToken);

    /// <summary>Erasure: the choice goes with the rest of the person's data (a later open edition names them "a member of the team").</summary>
    public async Task ForgetPublicNameAsync(string userId, CancellationToken cancellationToken) =>
        await tables.People.DeleteEntityAsync(TableKey.Encode(userId), ProfileKey, ETag.All, cancellationToken);

    /// <summary>Keeps a message until the person says which squad it is for. Returns the token the choice card carries.</summary>
    public async Task<string> SaveChoiceAsync(string userId, string text, CancellationToken cancellationToken)
    {
        var token = Convert.ToHexString(RandomNumberGenerator.GetBytes(8));
        await tables.People.AddEntityAsync(
            new PendingChoiceRow { PartitionKey = TableKey.Encode(userId), RowKey = ChoicePrefix + token, Text = text, CreatedAt = time.GetUtcNow() },
            cancellationToken);
        return token;
    }

    /// <summary>
    /// Takes the message waiting for a choice, once: a second tap (another device, a retried invoke, another instance)
    /// finds nothing. Null when it was taken, expired or never existed.
    /// </summary>
    public async Task<string?> TakeChoiceAsync(string userId, string token, CancellationToken cancellationToken)
    {
        if (token.Length is 0 or > 64 || token.Any(c => !char.IsAsciiHexDigit(c)))
        {
            return null;
        }

        var row = await tables.People.FindAsync<PendingChoiceRow>(TableKey.Encode(userId), ChoicePrefix + token, cancellationToken);
        if (row is null || time.GetUtcNow() - row.CreatedAt > ChoiceLifetime)
        {
            return null;
        }

        try
        {
            await tables.People.DeleteEntityAsync(row.PartitionKey, row.RowKey, row.ETag, cancellationToken);
            return row.Text;
        }
        catch (RequestFailedException e) when (e.Status is 404 or 412)
        {
            return null;
        }
    }

    /// <summary>The messages of this person still waiting for a squad choice.</summary>
    public async Task<IReadOnlyList<PendingChoiceRow>> ListChoicesAsync(string userId, CancellationToken cancellationToken) =>
        await QueryAsync<PendingChoiceRow>(userId, ChoicePrefix, cancellationToken);

    public async Task<int> DeleteChoicesAsync(string userId, CancellationToken cancellationToken) =>
        await tables.People.DeleteInBatchesAsync(await ListChoicesAsync(userId, cancellationToken), cancellationToken);

    /// <summary>The person's rows of one kind: one partition, a row-key range.</summary>
    private async Task<List<T>> QueryAsync<T>(string userId, string prefix, CancellationToken cancellationToken)
        where T : class, ITableEntity
    {
        var upper = prefix[..^1] + "}";
        var rows = new List<T>();
        await foreach (var row in tables.People.QueryAsync<T>(
            TableClient.CreateQueryFilter($"PartitionKey eq {TableKey.Encode(userId)} and RowKey ge {prefix} and RowKey lt {upper}"), cancellationToken: cancellationToken))
        {
            rows.Add(row);
        }

        return rows;
    }
}
