using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Internal;

namespace UpdateBot.Storage;

/// <summary>What is needed to message someone or somewhere later (docs/protocol.md, "Conversation references").</summary>
public sealed record ConversationReference(string Kind, string Key, string ConversationId, string ServiceUrl, string TenantId, string? BotId, string? Name, string? AadObjectId, string? TeamId, bool Active);

/// <summary>
/// Conversation references per user (their 1:1 chat), per team and per channel, refreshed from every inbound
/// activity so the newest serviceUrl is always the one used (docs/protocol.md, "Service URL").
/// </summary>
/// <remarks>
/// Every turn saves the references it carries, and almost always nothing changed. A small in-process cache of the
/// stored values (with their ETag) lets an unchanged reference cost no storage call at all. The cache only ever skips
/// a write of a value identical to one this instance read or wrote within <see cref="CacheLifetime"/>; every write is
/// conditional on the ETag, so a change another instance made in between is read back (412) and never overwritten
/// blindly, and any value this instance has not seen is read and written as before.
/// </remarks>
public sealed class ConversationStore : IDisposable
{
    public const string User = "user";
    public const string Team = "team";
    public const string Channel = "channel";

    /// <summary>How many references the cache holds at most (about 200 bytes each).</summary>
    public const int DefaultCacheCapacity = 20_000;

    /// <summary>
    /// How long a cached value may stand in for the stored one. Bounds how long a change made by another instance
    /// (a reference marked inactive after a failed send, say) can go unrepaired by this instance's turns.
    /// </summary>
    public static readonly TimeSpan CacheLifetime = TimeSpan.FromMinutes(5);

    private const int WriteAttempts = 8;

    private readonly Tables tables;
    private readonly TimeProvider time;
    private readonly MemoryCache cache;

    public ConversationStore(Tables tables, TimeProvider time, int cacheCapacity = DefaultCacheCapacity)
    {
        this.tables = tables;
        this.time = time;
        cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = cacheCapacity, Clock = new Clock(time) });
    }

    public async Task<ConversationReference?> GetAsync(string kind, string key, CancellationToken cancellationToken)
    {
        var row = await tables.Conversations.FindAsync<ConversationRow>(kind, TableKey.Encode(key), cancellationToken);
        return row is null ? null : ToReference(row);
    }

    /// <summary>Creates or refreshes a reference. Writes only when something changed, so hot paths stay cheap.</summary>
    public async Task SaveAsync(ConversationReference reference, CancellationToken cancellationToken)
    {
        var key = TableKey.Encode(reference.Key);
        var cacheKey = (reference.Kind, key);
        var row = cache.TryGetValue(cacheKey, out Stored? known) ? known!.ToRow(reference.Kind, key) : null;
        if (row is not null && Unchanged(row, reference))
        {
            return;
        }

        for (var attempt = 0; attempt < WriteAttempts; attempt++)
        {
            // Not known here (or known and changed but not writable, see below): read what is stored.
            row ??= await tables.Conversations.FindAsync<ConversationRow>(reference.Kind, key, cancellationToken);
            if (row is not null && Unchanged(row, reference))
            {
                Remember(cacheKey, row);
                return;
            }

            var updated = Merge(reference, key, row);
            if (row is null ? await tables.Conversations.TryAddAsync(updated, cancellationToken) : await tables.Conversations.TryReplaceAsync(updated, cancellationToken))
            {
                Remember(cacheKey, updated);
                return;
            }

            // Another writer got there first (409 on add, 412 or 404 on replace): read their value and decide again.
            cache.Remove(cacheKey);
            row = null;
        }

        // Still losing to other writers: every one of them carries a reference that is valid now, so this one is
        // written unconditionally rather than fail the turn (a 500 makes Teams resend the activity).
        var latest = await tables.Conversations.FindAsync<ConversationRow>(reference.Kind, key, cancellationToken);
        await tables.Conversations.UpsertEntityAsync(Merge(reference, key, latest), TableUpdateMode.Replace, cancellationToken);
    }

    public async Task MarkInactiveAsync(string kind, string key, CancellationToken cancellationToken)
    {
        var encoded = TableKey.Encode(key);
        cache.Remove((kind, encoded));
        await tables.Conversations.UpdateAsync<ConversationRow>(kind, encoded, row =>
        {
            if (!row.Active)
            {
                return false;
            }

            row.Active = false;
            row.UpdatedAt = time.GetUtcNow();
            return true;
        }, cancellationToken);
    }

    /// <summary>Forgets a reference entirely (erasure on the person's request). True when there was one.</summary>
    public async Task<bool> DeleteAsync(string kind, string key, CancellationToken cancellationToken)
    {
        var encoded = TableKey.Encode(key);
        cache.Remove((kind, encoded));
        var response = await tables.Conversations.DeleteEntityAsync(kind, encoded, ETag.All, cancellationToken);
        return response.Status != 404;
    }

    public void Dispose() => cache.Dispose();

    /// <summary>The one rule for "nothing to write": what the reference carries is what is stored (a name or id it lacks keeps the stored one).</summary>
    private static bool Unchanged(ConversationRow row, ConversationReference reference) =>
        row.ConversationId == reference.ConversationId
        && row.ServiceUrl == reference.ServiceUrl
        && row.Active == reference.Active
        && (reference.Name is null || row.Name == reference.Name)
        && (reference.AadObjectId is null || row.AadObjectId == reference.AadObjectId);

    private ConversationRow Merge(ConversationReference reference, string key, ConversationRow? row) => new()
    {
        PartitionKey = reference.Kind,
        RowKey = key,
        ETag = row?.ETag ?? default,
        ConversationId = reference.ConversationId,
        ServiceUrl = reference.ServiceUrl,
        TenantId = reference.TenantId,
        BotId = reference.BotId ?? row?.BotId,
        Name = reference.Name ?? row?.Name,
        AadObjectId = reference.AadObjectId ?? row?.AadObjectId,
        TeamId = reference.TeamId ?? row?.TeamId,
        Active = reference.Active,
        UpdatedAt = time.GetUtcNow(),
    };

    private void Remember((string, string) cacheKey, ConversationRow row)
    {
        // Without an ETag a later change could not be written conditionally: such a row is simply not cached.
        if (row.ETag == default)
        {
            cache.Remove(cacheKey);
            return;
        }

        using var entry = cache.CreateEntry(cacheKey);
        entry.Value = Stored.Of(row);
        entry.Size = 1;
        entry.AbsoluteExpirationRelativeToNow = CacheLifetime;
    }

    private static ConversationReference ToReference(ConversationRow row) =>
        new(row.PartitionKey, TableKey.Decode(row.RowKey), row.ConversationId, row.ServiceUrl, row.TenantId, row.BotId, row.Name, row.AadObjectId, row.TeamId, row.Active);

    /// <summary>An immutable copy of a stored row (rows are mutable and a turn writes its own).</summary>
    private sealed record Stored(string ConversationId, string ServiceUrl, string TenantId, string? BotId, string? Name, string? AadObjectId, string? TeamId, bool Active, DateTimeOffset UpdatedAt, ETag ETag)
    {
        public static Stored Of(ConversationRow row) =>
            new(row.ConversationId, row.ServiceUrl, row.TenantId, row.BotId, row.Name, row.AadObjectId, row.TeamId, row.Active, row.UpdatedAt, row.ETag);

        public ConversationRow ToRow(string kind, string key) => new()
        {
            PartitionKey = kind,
            RowKey = key,
            ETag = ETag,
            ConversationId = ConversationId,
            ServiceUrl = ServiceUrl,
            TenantId = TenantId,
            BotId = BotId,
            Name = Name,
            AadObjectId = AadObjectId,
            TeamId = TeamId,
            Active = Active,
            UpdatedAt = UpdatedAt,
        };
    }

    /// <summary>The cache's expiry follows the service's <see cref="TimeProvider"/> (tests move it).</summary>
    private sealed class Clock(TimeProvider time) : ISystemClock
    {
        public DateTimeOffset UtcNow => time.GetUtcNow();
    }
}
