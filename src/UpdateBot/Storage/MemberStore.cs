using System.Collections.Concurrent;
using System.Globalization;
using UpdateBot.Domain;
using UpdateBot.Localisation;

namespace UpdateBot.Storage;

/// <summary>A rostered member of a squad and how they can be reached.</summary>
public sealed record Member(
    string SquadId,
    string UserId,
    string Name,
    string? AadObjectId,
    string? UserRole,
    bool InRoster,
    bool OptedOut,
    DateOnly? AwayUntil,
    ReachStatus Reach,
    string? ReachDetail)
{
    /// <summary>The first day away, when the member named one ("away next week"); otherwise away from when they said it.</summary>
    public DateOnly? AwayFrom { get; init; }

    public AwayPeriod? Away => AwayUntil is { } until ? new AwayPeriod(AwayFrom ?? DateOnly.MinValue, until) : null;

    public bool IsAwayOn(DateOnly date) => Away?.Covers(date) == true;

    /// <summary>When they were last seen leaving the team (null while on the roster).</summary>
    public DateTimeOffset? LeftAt { get; init; }

    /// <summary>The member's IANA time zone when known (their prompts go at the squad's hour on their clock).</summary>
    public string? TimeZoneId { get; init; }

    /// <summary>The code of the reason in <see cref="ReachDetail"/> (null on rows written before it was kept).</summary>
    public string? ReachDetailCode { get; init; }

    /// <summary>The language the member's prompts and reminders are in (README, "Welsh and English").</summary>
    public Language Language { get; init; }

    /// <summary>The member's zone, or null when it is not known (or not known to this system).</summary>
    public TimeZoneInfo? TimeZone => SettingsValidation.TryFindTimeZone(TimeZoneId, out var zone) ? zone : null;
}

/// <summary>A roster entry as read from Teams.</summary>
public sealed record RosterEntry(string UserId, string Name, string? AadObjectId, string? Email, string? UserRole);

public sealed class MemberStore(Tables tables, PeopleStore people, TimeProvider time)
{
    public async Task<IReadOnlyList<Member>> ListAsync(string squadId, CancellationToken cancellationToken)
    {
        var rows = await tables.Members.QueryPartitionAsync<MemberRow>(TableKey.Encode(squadId), cancellationToken);
        return rows.Select(r => ToMember(squadId, r)).OrderBy(m => m.Name, StringComparer.CurrentCultureIgnoreCase).ToList();
    }

    /// <summary>
    /// A person's language, from their roster row (one point read): a lead's review desk, a notice, or an author's
    /// question card is the same card whether background work sends it or their own click asks for it again. English
    /// for someone not on the roster.
    /// </summary>
    public async Task<Texts> TextsForAsync(string squadId, string userId, CancellationToken cancellationToken) =>
        Texts.For((await GetAsync(squadId, userId, cancellationToken))?.Language ?? Languages.Default);

    public async Task<Member?> GetAsync(string squadId, string userId, CancellationToken cancellationToken)
    {
        var row = await tables.Members.FindAsync<MemberRow>(TableKey.Encode(squadId), TableKey.Encode(userId), cancellationToken);
        return row is null ? null : ToMember(squadId, row);
    }

    private const int RosterWriteParallelism = 8;

    /// <summary>
    /// Brings the stored roster in line with Teams: new members added, names refreshed, members no longer in the team
    /// kept but marked out of the roster (so the lead still sees "left the team").
    /// </summary>
    public async Task SyncRosterAsync(string squadId, IReadOnlyList<RosterEntry> roster, CancellationToken cancellationToken)
    {
        var partition = TableKey.Encode(squadId);
        var existing = (await tables.Members.QueryPartitionAsync<MemberRow>(partition, cancellationToken))
            .ToDictionary(r => r.UserId, StringComparer.Ordinal);
        var seen = roster.Select(e => e.UserId).ToHashSet(StringComparer.Ordinal);

        // Each member's rows are their own, so they are written side by side, and newcomers' roster rows go 100 to a
        // request: one after another, a new 1,000-member team's 3,000 writes held its first prompt back by seconds
        // (docs/benchmarks.md, "Fan-out").
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = RosterWriteParallelism, CancellationToken = cancellationToken };
        var newcomers = new ConcurrentBag<MemberRow>();
        await Parallel.ForEachAsync(roster.DistinctBy(e => e.UserId, StringComparer.Ordinal), parallel, async (entry, ct) =>
        {
            if (existing.TryGetValue(entry.UserId, out var row))
            {
                await RefreshRosterEntryAsync(squadId, entry, row, ct);
            }
            else
            {
                newcomers.Add(await NewcomerRowAsync(squadId, entry, ct));
            }
        });
        await AddNewcomersAsync(newcomers, cancellationToken);

        foreach (var row in existing.Values.Where(r => r.InRoster && !seen.Contains(r.UserId)))
        {
            row.InRoster = false;
            row.Reach = nameof(ReachStatus.LeftTeam);
            SetReason(row, new DeliveryReason(ReasonCode.NoLongerMember));
            row.ReachCheckedAt = time.GetUtcNow();
            row.LeftAt = time.GetUtcNow();
            await tables.Members.TryReplaceAsync(row, cancellationToken);
        }
    }

    public async Task AddOrRefreshAsync(string squadId, RosterEntry entry, CancellationToken cancellationToken)
    {
        var partition = TableKey.Encode(squadId);
        var row = await tables.Members.FindAsync<MemberRow>(partition, TableKey.Encode(entry.UserId), cancellationToken);
        await UpsertRosterEntryAsync(squadId, entry, row, cancellationToken);
    }

    public Task MarkLeftAsync(string squadId, string userId, CancellationToken cancellationToken) =>
        UpdateAsync(squadId, userId, row =>
        {
            row.LeftAt ??= row.InRoster ? time.GetUtcNow() : row.ReachCheckedAt;
            row.InRoster = false;
            row.Reach = nameof(ReachStatus.LeftTeam);
            SetReason(row, new DeliveryReason(ReasonCode.LeftTeam));
        }, cancellationToken);

    /// <summary>Erasure: keeps the roster row (and "stop"), drops contact details, away dates and time zone.</summary>
    public Task ForgetContactDetailsAsync(string squadId, string userId, CancellationToken cancellationToken) =>
        UpdateAsync(squadId, userId, row =>
        {
            row.Email = null;
            row.AadObjectId = null;
            row.AwayUntil = null;
            row.AwayFrom = null;
            row.TimeZoneId = null;
            row.Language = null;
        }, cancellationToken);

    /// <summary>The member's time zone in this squad (a copy of the person's); nothing is written when it is the same. False without a roster row.</summary>
    public async Task<bool> SetTimeZoneAsync(string squadId, string userId, string? timeZoneId, CancellationToken cancellationToken) =>
        await tables.Members.UpdateAsync<MemberRow>(TableKey.Encode(squadId), TableKey.Encode(userId), row =>
        {
            var changed = !string.Equals(row.TimeZoneId, timeZoneId, StringComparison.Ordinal);
            row.TimeZoneId = timeZoneId;
            return changed;
        }, cancellationToken) is not null;

    /// <summary>The member's language in this squad (a copy of the person's); nothing is written when it is the same. False without a roster row.</summary>
    public async Task<bool> SetLanguageAsync(string squadId, string userId, Language language, CancellationToken cancellationToken) =>
        await tables.Members.UpdateAsync<MemberRow>(TableKey.Encode(squadId), TableKey.Encode(userId), row =>
        {
            var changed = (Languages.ReadStored(row.Language) ?? Languages.Default) != language;
            row.Language = language.ToString();
            return changed;
        }, cancellationToken) is not null;

    public Task SetOptedOutAsync(string squadId, string userId, bool optedOut, CancellationToken cancellationToken) =>
        UpdateAsync(squadId, userId, row => row.OptedOut = optedOut, cancellationToken);

    public Task SetAwayUntilAsync(string squadId, string userId, DateOnly? until, CancellationToken cancellationToken) =>
        SetAwayAsync(squadId, userId, until is { } date ? new AwayPeriod(DateOnly.MinValue, date) : null, cancellationToken);

    /// <summary>The days the member is away (none: back). A period from <see cref="DateOnly.MinValue"/> starts when it was said.</summary>
    public Task SetAwayAsync(string squadId, string userId, AwayPeriod? away, CancellationToken cancellationToken) =>
        UpdateAsync(squadId, userId, row =>
        {
            row.AwayUntil = away?.Until.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            row.AwayFrom = away is { From: var from } && from != DateOnly.MinValue ? from.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : null;
        }, cancellationToken);

    public Task RecordReachAsync(string squadId, string userId, ReachStatus reach, DeliveryReason? reason, CancellationToken cancellationToken) =>
        UpdateAsync(squadId, userId, row =>
        {
            row.Reach = reach.ToString();
            SetReason(row, reason);
        }, cancellationToken);

    /// <summary>The reason in English (what older versions read) and its code beside it, for the reader's language.</summary>
    private static void SetReason(MemberRow row, DeliveryReason? reason)
    {
        row.ReachDetail = ProblemTexts.StoredDetail(reason);
        row.ReachDetailCode = reason?.Stored;
    }

    private Task<MemberRow?> UpdateAsync(string squadId, string userId, Action<MemberRow> change, CancellationToken cancellationToken) =>
        tables.Members.UpdateAsync<MemberRow>(TableKey.Encode(squadId), TableKey.Encode(userId), row =>
        {
            change(row);
            row.ReachCheckedAt = time.GetUtcNow();
            return true;
        }, cancellationToken);

    private async Task UpsertRosterEntryAsync(string squadId, RosterEntry entry, MemberRow? row, CancellationToken cancellationToken)
    {
        if (row is null)
        {
            await AddNewcomersAsync([await NewcomerRowAsync(squadId, entry, cancellationToken)], cancellationToken);
        }
        else
        {
            await RefreshRosterEntryAsync(squadId, entry, row, cancellationToken);
        }
    }

    /// <summary>Links the newcomer to the squad (first) and makes their roster row, ready to add.</summary>
    private async Task<MemberRow> NewcomerRowAsync(string squadId, RosterEntry entry, CancellationToken cancellationToken)
    {
        // The link first: a link without a roster row is harmless, a member nobody can find is not.
        await people.LinkAsync(entry.UserId, squadId, cancellationToken);
        return new MemberRow
        {
            PartitionKey = TableKey.Encode(squadId),
            RowKey = TableKey.Encode(entry.UserId),
            UserId = entry.UserId,
            Name = entry.Name,
            AadObjectId = entry.AadObjectId,
            Email = entry.Email,
            UserRole = entry.UserRole,
            InRoster = true,
            Indexed = true,
            Listed = true,
            Reach = nameof(ReachStatus.Reachable),
            ReachCheckedAt = time.GetUtcNow(),
        };
    }

    /// <summary>
    /// Adds the newcomers' roster rows, then copies what each one's chat with the bot already knows (time zone, language)
    /// onto their row. Read only once the row exists: read before, an erasure or a new language arriving while the rows
    /// wait for their batch would find no row to change, and the copy would then write back what was erased or replaced.
    /// </summary>
    private async Task AddNewcomersAsync(IEnumerable<MemberRow> newcomers, CancellationToken cancellationToken)
    {
        var added = await tables.Members.AddInBatchesAsync(newcomers, cancellationToken);
        await Parallel.ForEachAsync(added, new ParallelOptions { MaxDegreeOfParallelism = RosterWriteParallelism, CancellationToken = cancellationToken }, async (row, ct) =>
        {
            // A newcomer whose zone is already known (from their chat with the bot) is asked on their own clock at once.
            if (await tables.Conversations.FindAsync<ConversationRow>(ConversationStore.User, TableKey.Encode(row.UserId), ct) is { } known)
            {
                await tables.Members.UpdateAsync<MemberRow>(row.PartitionKey, row.RowKey, stored =>
                {
                    var language = ConversationStore.LanguageOf(known).ToString();
                    var changed = stored.TimeZoneId != known.TimeZoneId || stored.Language != language;
                    (stored.TimeZoneId, stored.Language) = (known.TimeZoneId, language);
                    return changed;
                }, ct);
            }
        });
    }

    private async Task RefreshRosterEntryAsync(string squadId, RosterEntry entry, MemberRow row, CancellationToken cancellationToken)
    {
        if (!row.Listed)
        {
            await people.LinkAsync(entry.UserId, squadId, cancellationToken);
        }

        if (row.InRoster && row.Listed && row.Name == entry.Name && row.AadObjectId == (entry.AadObjectId ?? row.AadObjectId))
        {
            return;
        }

        if (!row.InRoster)
        {
            row.Reach = nameof(ReachStatus.Reachable);
            SetReason(row, null);
            row.LeftAt = null;
        }

        row.InRoster = true;
        row.Indexed = true;
        row.Listed = true;
        row.Name = entry.Name;
        row.AadObjectId = entry.AadObjectId ?? row.AadObjectId;
        row.Email = entry.Email ?? row.Email;
        row.UserRole = entry.UserRole ?? row.UserRole;
        await tables.Members.TryReplaceAsync(row, cancellationToken);
    }

    private static Member ToMember(string squadId, MemberRow row) => new(
        squadId,
        row.UserId,
        row.Name,
        row.AadObjectId,
        row.UserRole,
        row.InRoster,
        row.OptedOut,
        row.AwayUntil is { Length: > 0 } away ? DateOnly.ParseExact(away, "yyyy-MM-dd", CultureInfo.InvariantCulture) : null,
        Enum.TryParse<ReachStatus>(row.Reach, out var reach) ? reach : ReachStatus.Reachable,
        row.ReachDetail)
    {
        ReachDetailCode = row.ReachDetailCode,
        AwayFrom = row.AwayFrom is { Length: > 0 } from ? DateOnly.ParseExact(from, "yyyy-MM-dd", CultureInfo.InvariantCulture) : null,
        LeftAt = row.InRoster ? null : row.LeftAt ?? row.ReachCheckedAt,
        TimeZoneId = row.TimeZoneId,
        Language = Languages.ReadStored(row.Language) ?? Languages.Default,
    };
}
