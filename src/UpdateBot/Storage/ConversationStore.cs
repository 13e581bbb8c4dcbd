using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Caching.Memory;
using UpdateBot.Domain;

namespace UpdateBot.Storage;

/// <summary>What is needed to message someone or somewhere later (docs/protocol.md, "Conversation references").</summary>
public sealed record ConversationReference(string Kind, string Key, string ConversationId, string ServiceUrl, string TenantId, string? BotId, string? Name, string? AadObjectId, string? TeamId, bool Active)
{
    /// <summary>
    /// On a person's 1:1 reference: the IANA zone their Teams client reported on this activity (docs/protocol.md,
    /// "clientInfo"), or null. Stored only when it differs and the person has not set one themselves.
    /// </summary>
    public string? ClientTimeZoneId { get; init; }

    /// <summary>The person's stored time zone (read back; see <see cref="ConversationRow.TimeZoneId"/>).</summary>
    public string? TimeZoneId { get; init; }

    /// <summary>How <see cref="TimeZoneId"/> became known.</summary>
    public TimeZoneSource? TimeZoneSource { get; init; }

    /// <summary>On a person's 1:1 reference: the language of the locale Teams reported on this activity, or null.</summary>
    public Language? ClientLanguage { get; init; }

    /// <summary>The language the person chose (read back), or null when they follow Teams.</summary>
    public Language? ChosenLanguage { get; init; }

    /// <summary>The language the person is spoken to in (read back): their choice, else Teams', else English.</summary>
    public Language Language { get; init; }
}

/// <summary>What saving a person's 1:1 reference changed, and the language they are spoken to in.</summary>
/// <param name="ChangedTimeZoneId">Their time zone when this save changed it, otherwise null.</param>
/// <param name="LanguageChanged">True when this save changed the language they are spoken to in.</param>
public sealed record ReferenceSaved(string? ChangedTimeZoneId, bool LanguageChanged, Language Language);

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
        cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = cacheCapacity, Clock = new CacheClock(time) });
    }

    public async Task<ConversationReference?> GetAsync(string kind, string key, CancellationToken cancellationToken)
    {
        var row = await tables.Conversations.FindAsync<ConversationRow>(kind, TableKey.Encode(key), cancellationToken);
        return row is null ? null : ToReference(row);
    }

    /// <summary>The one rule for a stored reference's language (<see cref="Languages.Choose"/>).</summary>
    public static Language LanguageOf(ConversationRow row) =>
        Languages.Choose(Languages.ReadStored(row.ChosenLanguage), Languages.ReadStored(row.TeamsLanguage));

    /// <summary>
    /// Whether <paramref name="conversationId"/> is the person's own 1:1 chat with the bot: the one stored for them, or
    /// any while none is stored. A chat this instance stored or read as theirs within <see cref="CacheLifetime"/>
    /// answers without a read (a card action's admission runs on every click).
    /// </summary>
    public async Task<bool> IsOwnChatAsync(string userId, string conversationId, CancellationToken cancellationToken)
    {
        if (cache.TryGetValue((User, TableKey.Encode(userId)), out Stored? known) && known!.ConversationId == conversationId)
        {
            return true;
        }

        var own = await GetAsync(User, userId, cancellationToken);
        return own is null || string.Equals(own.ConversationId, conversationId, StringComparison.Ordinal);
    }

    /// <summary>
    /// The language the person chose with <c>language</c> / <c>iaith</c>, from their 1:1 reference (null when they follow
    /// Teams or have no chat yet): for their turns outside that chat, such as a click on the channel post. A reference
    /// this instance holds answers without a read.
    /// </summary>
    public async Task<Language?> ChosenLanguageAsync(string userId, CancellationToken cancellationToken)
    {
        var cacheKey = (User, TableKey.Encode(userId));
        if (cache.TryGetValue(cacheKey, out Stored? known))
        {
            return Languages.ReadStored(known!.ChosenLanguage);
        }

        var row = await tables.Conversations.FindAsync<ConversationRow>(User, cacheKey.Item2, cancellationToken);
        if (row is null)
        {
            return null;
        }

        Remember(cacheKey, row);
        return Languages.ReadStored(row.ChosenLanguage);
    }

    /// <summary>
    /// Creates or refreshes a reference. Writes only when something changed, so hot paths stay cheap. Returns what
    /// changed: the person's time zone when this save changed it (a zone their client reported for the first time, or
    /// a new one), and whether the language they are spoken to in changed, with that language.
    /// </summary>
    public async Task<ReferenceSaved> SaveAsync(ConversationReference reference, CancellationToken cancellationToken)
    {
        var key = TableKey.Encode(reference.Key);
        var cacheKey = (reference.Kind, key);
        var row = cache.TryGetValue(cacheKey, out Stored? known) ? known!.ToRow(reference.Kind, key) : null;
        if (row is not null && Unchanged(row, reference))
        {
            return new ReferenceSaved(null, false, LanguageOf(row));
        }

        for (var attempt = 0; attempt < WriteAttempts; attempt++)
        {
            // Not known here (or known and changed but not writable, see below): read what is stored.
            row ??= await tables.Conversations.FindAsync<ConversationRow>(reference.Kind, key, cancellationToken);
            if (row is not null && Unchanged(row, reference))
            {
                Remember(cacheKey, row);
                return new ReferenceSaved(null, false, LanguageOf(row));
            }

            var updated = Merge(reference, key, row);
            if (row is null ? await tables.Conversations.TryAddAsync(updated, cancellationToken) : await tables.Conversations.TryReplaceAsync(updated, cancellationToken))
            {
                Remember(cacheKey, updated);
                return Saved(row, updated);
            }

            // Another writer got there first (409 on add, 412 or 404 on replace): read their value and decide again.
            cache.Remove(cacheKey);
            row = null;
        }

        // Still losing to other writers: every one of them carries a reference that is valid now, so this one is
        // written unconditionally rather than fail the turn (a 500 makes Teams resend the activity).
        var latest = await tables.Conversations.FindAsync<ConversationRow>(reference.Kind, key, cancellationToken);
        var merged = Merge(reference, key, latest);
        await tables.Conversations.UpsertEntityAsync(merged, TableUpdateMode.Replace, cancellationToken);
        return Saved(latest, merged);
    }

    private static ReferenceSaved Saved(ConversationRow? before, ConversationRow after) =>
        // A person new to us is spoken to in English until something says otherwise, so only a change from that counts.
        new(after.TimeZoneId != before?.TimeZoneId ? after.TimeZoneId : null, (before is null ? Languages.Default : LanguageOf(before)) != LanguageOf(after), LanguageOf(after));

    /// <summary>
    /// A person chooses the language they are spoken to in (<c>language Welsh</c>), or hands it back to their Teams
    /// locale with null (<c>language auto</c>). Returns the language they are now spoken to in; null when they have no
    /// 1:1 reference.
    /// </summary>
    public async Task<Language?> SetLanguageAsync(string userId, Language? chosen, CancellationToken cancellationToken)
    {
        var key = TableKey.Encode(userId);
        cache.Remove((User, key));
        var row = await tables.Conversations.UpdateAsync<ConversationRow>(User, key, row =>
        {
            var changed = row.ChosenLanguage != chosen?.ToString();
            row.ChosenLanguage = chosen?.ToString();
            return changed;
        }, cancellationToken);
        return row is null ? null : LanguageOf(row);
    }

    /// <summary>
    /// A person sets their time zone themselves (<c>my time zone …</c>), or hands it back to their Teams client with
    /// null (<c>my time zone auto</c>: the next zone the client reports is taken). False when they have no 1:1 reference.
    /// </summary>
    public async Task<bool> SetTimeZoneAsync(string userId, string? timeZoneId, CancellationToken cancellationToken)
    {
        var key = TableKey.Encode(userId);
        cache.Remove((User, key));
        return await tables.Conversations.UpdateAsync<ConversationRow>(User, key, row =>
        {
            row.TimeZoneId = timeZoneId ?? row.TimeZoneId;
            row.TimeZoneSource = timeZoneId is null ? nameof(Domain.TimeZoneSource.Client) : nameof(Domain.TimeZoneSource.Set);
            return true;
        }, cancellationToken) is not null;
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
        && (reference.AadObjectId is null || row.AadObjectId == reference.AadObjectId)
        && LearnedTimeZone(row, reference) == row.TimeZoneId
        && (reference.ClientLanguage is null || row.TeamsLanguage == reference.ClientLanguage.ToString());

    /// <summary>What the row's time zone becomes (<see cref="PersonTimeZone.Learn"/>).</summary>
    private static string? LearnedTimeZone(ConversationRow? row, ConversationReference reference) =>
        PersonTimeZone.Learn(row?.TimeZoneId, Enum.TryParse<TimeZoneSource>(row?.TimeZoneSource, out var source) ? source : null, reference.ClientTimeZoneId);

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
        TimeZoneId = LearnedTimeZone(row, reference),
        TimeZoneSource = LearnedTimeZone(row, reference) == row?.TimeZoneId ? row?.TimeZoneSource : nameof(TimeZoneSource.Client),
        TeamsLanguage = reference.ClientLanguage?.ToString() ?? row?.TeamsLanguage,
        ChosenLanguage = row?.ChosenLanguage,
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
        new(row.PartitionKey, TableKey.Decode(row.RowKey), row.ConversationId, row.ServiceUrl, row.TenantId, row.BotId, row.Name, row.AadObjectId, row.TeamId, row.Active)
        {
            TimeZoneId = row.TimeZoneId,
            TimeZoneSource = Enum.TryParse<TimeZoneSource>(row.TimeZoneSource, out var source) ? source : null,
            ChosenLanguage = Languages.ReadStored(row.ChosenLanguage),
            Language = LanguageOf(row),
        };

    /// <summary>An immutable copy of a stored row (rows are mutable and a turn writes its own).</summary>
    private sealed record Stored(string ConversationId, string ServiceUrl, string TenantId, string? BotId, string? Name, string? AadObjectId, string? TeamId, bool Active, DateTimeOffset UpdatedAt, ETag ETag, string? TimeZoneId, string? TimeZoneSource, string? TeamsLanguage, string? ChosenLanguage)
    {
        public static Stored Of(ConversationRow row) =>
            new(row.ConversationId, row.ServiceUrl, row.TenantId, row.BotId, row.Name, row.AadObjectId, row.TeamId, row.Active, row.UpdatedAt, row.ETag, row.TimeZoneId, row.TimeZoneSource, row.TeamsLanguage, row.ChosenLanguage);

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
            TimeZoneId = TimeZoneId,
            TimeZoneSource = TimeZoneSource,
            TeamsLanguage = TeamsLanguage,
            ChosenLanguage = ChosenLanguage,
        };
    }
}
