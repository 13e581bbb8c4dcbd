using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using UpdateBot.Domain;

namespace UpdateBot.Storage;

/// <summary>A squad: one team with the bot installed, its settings and where to reach it.</summary>
public sealed record Squad(
    string Id,
    string TenantId,
    string ServiceUrl,
    string BotId,
    string ChannelId,
    bool IsConfigured,
    SquadSettings Settings,
    int PublishedEditions,
    ETag ETag)
{
    public bool IsLead(string? userId) => userId is not null && Settings.LeadIds.Contains(userId, StringComparer.Ordinal);

    public TimeZoneInfo TimeZone => TimeZoneInfo.FindSystemTimeZoneById(Settings.TimeZoneId);

    public SquadId SquadId => new(Id);

    /// <summary>One week of this squad as the domain's rules see it (<paramref name="published"/> read from storage).</summary>
    public SquadWeek Week(IsoWeek week, bool published) => SquadWeek.Of(SquadId, Settings, TimeZone, week, published);

    /// <summary>When the schedule or time zone last changed (steps it moved into the past become due then).</summary>
    public DateTimeOffset? ScheduleChangedAt { get; init; }

    /// <summary>When the app was last added to the team: the team welcome is retried inside the catch-up window from then.</summary>
    public DateTimeOffset InstalledAt { get; init; }

    /// <summary>The team's Microsoft 365 group id (from the install event), for deep links.</summary>
    public string? AadGroupId { get; init; }

    /// <summary>The language of the Teams locale of whoever added the app (see <see cref="SquadRow.InstallerLanguage"/>).</summary>
    public Language? InstallerLanguage { get; init; }

    /// <summary>Which version of the settings this is (see <see cref="SquadRow.SettingsVersion"/>).</summary>
    public int SettingsVersion { get; init; }

    /// <summary>The IANA zones of members on another clock than the squad's (see <see cref="SquadRow.MemberTimeZonesJson"/>).</summary>
    public IReadOnlyList<string> MemberTimeZoneIds { get; init; } = [];

    /// <summary>The zones of <see cref="MemberTimeZoneIds"/> this system knows (an unknown one is left out).</summary>
    public IReadOnlyList<TimeZoneInfo> MemberTimeZones =>
        MemberTimeZoneIds.Select(id => SettingsValidation.TryFindTimeZone(id, out var zone) ? zone : null).OfType<TimeZoneInfo>().ToList();

    /// <summary>A Teams deep link to a post in the squad's channel, or null when the group id is not known yet.</summary>
    public string? LinkToPost(string? activityId) =>
        AadGroupId is null || string.IsNullOrEmpty(activityId)
            ? null
            : $"https://teams.microsoft.com/l/message/{Uri.EscapeDataString(ChannelId)}/{Uri.EscapeDataString(activityId)}?tenantId={Uri.EscapeDataString(TenantId)}&groupId={Uri.EscapeDataString(AadGroupId)}&parentMessageId={Uri.EscapeDataString(activityId)}";
}

/// <summary>How a save of the settings ended.</summary>
public enum SettingsWrite
{
    Saved,

    /// <summary>Someone changed the squad since it was read: nothing was saved.</summary>
    Conflict,

    /// <summary>Another squad's open weeknote has the web address name: nothing was saved.</summary>
    SlugTaken,
}

public sealed class SquadStore(Tables tables, PeopleStore people, TimeProvider time)
{
    private const string Partition = "squad";
    private const string SlugPartition = "slug";
    private static JsonSerializerOptions Json => StoredText.Json;

    public async Task<Squad?> GetAsync(string squadId, CancellationToken cancellationToken)
    {
        var row = await tables.Squads.FindAsync<SquadRow>(Partition, TableKey.Encode(squadId), cancellationToken);
        return row is null || row.Removed ? null : ToSquad(row);
    }

    public async Task<IReadOnlyList<Squad>> ListAsync(CancellationToken cancellationToken)
    {
        var rows = await tables.Squads.QueryPartitionAsync<SquadRow>(Partition, cancellationToken);
        return rows.Where(r => !r.Removed).Select(ToSquad).ToList();
    }

    /// <summary>Records an install (or a re-install) of the bot in a team. Settings already made are kept.</summary>
    public async Task<Squad> RecordInstallAsync(string teamId, string? teamName, string tenantId, string serviceUrl, string botId, string channelId, string? installedBy, CancellationToken cancellationToken, Language? installerLanguage = null)
    {
        while (true)
        {
            var key = TableKey.Encode(teamId);
            var row = await tables.Squads.FindAsync<SquadRow>(Partition, key, cancellationToken);
            if (row is null)
            {
                row = new SquadRow
                {
                    PartitionKey = Partition,
                    RowKey = key,
                    TeamId = teamId,
                    TenantId = tenantId,
                    ServiceUrl = serviceUrl,
                    BotId = botId,
                    ChannelId = channelId,
                    InstalledBy = installedBy,
                    InstallerLanguage = installerLanguage?.ToString(),
                    CreatedAt = time.GetUtcNow(),
                    InstalledAt = time.GetUtcNow(),
                };
                var defaults = DefaultSettings(teamName, installedBy);
                Write(row, defaults);
                await LinkLeadsAsync(teamId, defaults.LeadIds, cancellationToken);
                if (await tables.Squads.TryAddAsync(row, cancellationToken))
                {
                    return ToSquad(row);
                }

                continue;
            }

            if (row.Removed)
            {
                // Added again after being removed: a new install, with a welcome of its own.
                row.InstalledAt = time.GetUtcNow();
            }

            // Both events of one install carry the installer's locale; one that carries none keeps what the other said.
            // Only the recorded installer's own: a language stored beside someone else's id would escape their erasure.
            if (installedBy is not null && string.Equals(installedBy, row.InstalledBy, StringComparison.Ordinal))
            {
                row.InstallerLanguage = installerLanguage?.ToString() ?? row.InstallerLanguage;
            }

            row.Removed = false;
            row.TenantId = tenantId;
            row.ServiceUrl = serviceUrl;
            row.BotId = botId;
            if (!row.IsConfigured)
            {
                row.ChannelId = channelId;
            }

            if (await tables.Squads.TryReplaceAsync(row, cancellationToken))
            {
                return ToSquad(row);
            }
        }
    }

    /// <summary>Remembers the team's group id (sent on install events) for deep links.</summary>
    public Task SetGroupIdAsync(string squadId, string aadGroupId, CancellationToken cancellationToken) =>
        tables.Squads.UpdateAsync<SquadRow>(Partition, TableKey.Encode(squadId), row =>
        {
            var changed = row.AadGroupId != aadGroupId;
            row.AadGroupId = aadGroupId;
            return changed;
        }, cancellationToken);

    /// <summary>
    /// Saves validated settings if nobody changed the squad since it was read (its ETag, so also its
    /// <see cref="Squad.SettingsVersion"/>). A squad that publishes openly first reserves its web address name (a
    /// conditional insert: two squads racing for one name, one gets it); the name it had before is released after the save.
    /// </summary>
    public async Task<SettingsWrite> TrySaveSettingsAsync(Squad squad, SquadSettings settings, CancellationToken cancellationToken)
    {
        var row = await tables.Squads.FindAsync<SquadRow>(Partition, TableKey.Encode(squad.Id), cancellationToken);
        if (row is null || row.ETag != squad.ETag)
        {
            return SettingsWrite.Conflict;
        }

        var slug = settings.EffectiveOpenSlug;
        var held = row.PublishOpenly ? row.OpenSlug : null;
        var reservedNow = false;
        if (settings.PublishOpenly && slug != held)
        {
            switch (await ReserveSlugAsync(slug, squad.Id, cancellationToken))
            {
                case null:
                    return SettingsWrite.SlugTaken;
                case true:
                    reservedNow = true;
                    break;
            }
        }

        var saved = await TrySaveRowAsync(row, squad, settings, cancellationToken);
        if (!saved)
        {
            if (reservedNow)
            {
                await ReleaseSlugAsync(slug, squad.Id, cancellationToken);
            }

            return SettingsWrite.Conflict;
        }

        if (held is not null && (held != slug || !settings.PublishOpenly))
        {
            await ReleaseSlugAsync(held, squad.Id, cancellationToken);
        }

        return SettingsWrite.Saved;
    }

    /// <summary>The squad whose open weeknote has this web address name, if it publishes openly (else null: no pages).</summary>
    public async Task<Squad?> FindByOpenSlugAsync(string slug, CancellationToken cancellationToken)
    {
        if (!SettingsValidation.IsOpenSlug(slug) || await tables.Squads.FindAsync<SlugRow>(SlugPartition, slug, cancellationToken) is not { } reserved)
        {
            return null;
        }

        return await GetAsync(reserved.SquadId, cancellationToken) is { Settings.PublishOpenly: true } squad && squad.Settings.EffectiveOpenSlug == slug ? squad : null;
    }

    /// <summary>True: reserved now; false: this squad already held it; null: another squad holds it.</summary>
    private async Task<bool?> ReserveSlugAsync(string slug, string squadId, CancellationToken cancellationToken)
    {
        if (await tables.Squads.TryAddAsync(new SlugRow { PartitionKey = SlugPartition, RowKey = slug, SquadId = squadId }, cancellationToken))
        {
            return true;
        }

        var holder = await tables.Squads.FindAsync<SlugRow>(SlugPartition, slug, cancellationToken);
        return holder?.SquadId == squadId ? false : null;
    }

    private async Task ReleaseSlugAsync(string slug, string squadId, CancellationToken cancellationToken)
    {
        if (await tables.Squads.FindAsync<SlugRow>(SlugPartition, slug, cancellationToken) is { } holder && holder.SquadId == squadId)
        {
            try
            {
                await tables.Squads.DeleteEntityAsync(SlugPartition, slug, holder.ETag, cancellationToken);
            }
            catch (RequestFailedException e) when (e.Status is 404 or 412)
            {
                // Gone or taken over meanwhile: either way it is no longer this squad's to release.
            }
        }
    }

    private async Task<bool> TrySaveRowAsync(SquadRow row, Squad squad, SquadSettings settings, CancellationToken cancellationToken)
    {
        var scheduleBefore = row.IsConfigured ? (row.ScheduleJson, row.TimeZoneId) : default;
        Write(row, settings);
        if ((row.ScheduleJson, row.TimeZoneId) != scheduleBefore)
        {
            row.ScheduleChangedAt = time.GetUtcNow();
        }

        row.IsConfigured = true;
        await LinkLeadsAsync(squad.Id, settings.LeadIds, cancellationToken);
        return await tables.Squads.TryReplaceAsync(row, cancellationToken);
    }

    /// <summary>Takes lead rights away from people (who left the team). Returns the leads that remain.</summary>
    public async Task<IReadOnlyList<string>> RemoveLeadsAsync(string squadId, IReadOnlyCollection<string> gone, CancellationToken cancellationToken)
    {
        var row = await tables.Squads.UpdateAsync<SquadRow>(Partition, TableKey.Encode(squadId), row =>
        {
            var leads = JsonSerializer.Deserialize<List<string>>(row.LeadIdsJson, Json) ?? [];
            var remaining = leads.Where(id => !gone.Contains(id)).ToList();
            row.LeadIdsJson = JsonSerializer.Serialize(remaining, Json);
            return remaining.Count != leads.Count;
        }, cancellationToken);
        return row is null ? [] : JsonSerializer.Deserialize<List<string>>(row.LeadIdsJson, Json) ?? [];
    }

    /// <summary>
    /// Erasure: forgets the person as the installer of every squad they installed (and the language their install
    /// brought). One partition: the squads table holds one row per team.
    /// </summary>
    public async Task ForgetInstallerEverywhereAsync(string userId, CancellationToken cancellationToken)
    {
        var installed = new List<string>();
        await foreach (var row in tables.Squads.QueryAsync<SquadRow>(
            TableClient.CreateQueryFilter($"PartitionKey eq {Partition} and InstalledBy eq {userId}"), cancellationToken: cancellationToken))
        {
            installed.Add(row.RowKey);
        }

        foreach (var key in installed)
        {
            await ForgetInstallerAsync(TableKey.Decode(key), userId, cancellationToken);
        }
    }

    /// <summary>Forgets who installed the app (erasure on that person's request).</summary>
    private Task<SquadRow?> ForgetInstallerAsync(string squadId, string userId, CancellationToken cancellationToken) =>
        tables.Squads.UpdateAsync<SquadRow>(Partition, TableKey.Encode(squadId), row =>
        {
            if (row.InstalledBy != userId)
            {
                return false;
            }

            row.InstalledBy = null;
            row.InstallerLanguage = null;
            return true;
        }, cancellationToken);

    /// <summary>Every squad row, removed ones too (the retention sweep also clears what removed squads left).</summary>
    public Task<List<SquadRow>> ListRowsAsync(CancellationToken cancellationToken) =>
        tables.Squads.QueryPartitionAsync<SquadRow>(Partition, cancellationToken);

    /// <summary>Leads are found through the person index like members (a lead need not be on the roster).</summary>
    private async Task LinkLeadsAsync(string squadId, IEnumerable<string> leadIds, CancellationToken cancellationToken)
    {
        foreach (var leadId in leadIds)
        {
            await people.LinkAsync(leadId, squadId, cancellationToken);
        }
    }

    /// <summary>Keeps the newest serviceUrl for the squad (docs/protocol.md, "Service URL": it can change).</summary>
    public Task RefreshServiceUrlAsync(string squadId, string serviceUrl, CancellationToken cancellationToken) =>
        tables.Squads.UpdateAsync<SquadRow>(Partition, TableKey.Encode(squadId), row =>
        {
            var changed = !string.Equals(row.ServiceUrl, serviceUrl, StringComparison.Ordinal);
            row.ServiceUrl = serviceUrl;
            return changed;
        }, cancellationToken);

    /// <summary>
    /// Adds a member's zone to the squad's list when it is on another clock and not listed yet (no write otherwise). The
    /// weekly fan-out trims zones no member has any more (<see cref="SetMemberTimeZonesAsync"/>).
    /// </summary>
    public Task AddMemberTimeZoneAsync(string squadId, string timeZoneId, CancellationToken cancellationToken) =>
        tables.Squads.UpdateAsync<SquadRow>(Partition, TableKey.Encode(squadId), row =>
        {
            var zones = ReadZones(row);
            if (string.Equals(timeZoneId, row.TimeZoneId, StringComparison.Ordinal) || zones.Contains(timeZoneId, StringComparer.Ordinal))
            {
                return false;
            }

            row.MemberTimeZonesJson = JsonSerializer.Serialize(zones.Append(timeZoneId).Order(StringComparer.Ordinal), Json);
            return true;
        }, cancellationToken);

    /// <summary>Sets the squad's list of member zones to exactly these (the roster's, read by the fan-out); no write when equal.</summary>
    public Task SetMemberTimeZonesAsync(string squadId, IReadOnlyCollection<string> timeZoneIds, CancellationToken cancellationToken) =>
        tables.Squads.UpdateAsync<SquadRow>(Partition, TableKey.Encode(squadId), row =>
        {
            var wanted = timeZoneIds.Where(id => !string.Equals(id, row.TimeZoneId, StringComparison.Ordinal)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            if (wanted.SequenceEqual(ReadZones(row), StringComparer.Ordinal))
            {
                return false;
            }

            row.MemberTimeZonesJson = wanted.Count == 0 ? null : JsonSerializer.Serialize(wanted, Json);
            return true;
        }, cancellationToken);

    private static List<string> ReadZones(SquadRow row) =>
        row.MemberTimeZonesJson is null ? [] : JsonSerializer.Deserialize<List<string>>(row.MemberTimeZonesJson, Json) ?? [];

    public Task MarkRemovedAsync(string squadId, CancellationToken cancellationToken) =>
        tables.Squads.UpdateAsync<SquadRow>(Partition, TableKey.Encode(squadId), row =>
        {
            var changed = !row.Removed;
            row.Removed = true;
            return changed;
        }, cancellationToken);

    /// <summary>
    /// Changes the squad's glossary (<c>glossary add</c> / <c>glossary remove</c>) under the row's ETag. The settings
    /// version stays: a setup card open meanwhile is not made stale by a glossary entry.
    /// </summary>
    /// <returns>The glossary as saved; null when the squad is gone or the glossary would not fit a table property.</returns>
    public async Task<IReadOnlyDictionary<string, string>?> UpdateGlossaryAsync(string squadId, Action<Dictionary<string, string>> change, CancellationToken cancellationToken)
    {
        var tooLong = false;
        var row = await tables.Squads.UpdateAsync<SquadRow>(Partition, TableKey.Encode(squadId), row =>
        {
            var glossary = new Dictionary<string, string>(ReadGlossary(row), StringComparer.Ordinal);
            change(glossary);
            var json = glossary.Count == 0 ? null : JsonSerializer.Serialize(new SortedDictionary<string, string>(glossary, StringComparer.Ordinal), Json);
            tooLong = json is { Length: > StoredText.MaxPropertyChars };
            if (tooLong || json == row.GlossaryJson)
            {
                return false;
            }

            row.GlossaryJson = json;
            return true;
        }, cancellationToken);
        return row is null || tooLong ? null : ReadGlossary(row);
    }

    /// <summary>
    /// The languages of the squad's channel post headings (<c>headings Welsh</c>). Like the glossary, it has its own
    /// command and leaves the settings version alone, so an open setup card does not go stale. False when the squad is gone.
    /// </summary>
    public async Task<bool> SetHeadingsAsync(string squadId, HeadingLanguages headings, CancellationToken cancellationToken) =>
        await tables.Squads.UpdateAsync<SquadRow>(Partition, TableKey.Encode(squadId), row =>
        {
            var changed = Languages.ReadHeadings(row.Headings) != headings;
            row.Headings = headings.ToString();
            return changed;
        }, cancellationToken) is not null;

    private static Dictionary<string, string> ReadGlossary(SquadRow row) =>
        row.GlossaryJson is { Length: > 0 } json
            ? new Dictionary<string, string>(JsonSerializer.Deserialize<Dictionary<string, string>>(json, Json) ?? [], StringComparer.Ordinal)
            : new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>How many weeks' edition numbers the squad row remembers (enough for any week still being published).</summary>
    private const int EditionWeeksKept = 8;

    /// <summary>
    /// The edition number of <paramref name="week"/>'s channel post: the next one the first time, the same one on every
    /// later call, safely against concurrent publishers. The week is written down with the number in the same write, so
    /// a publish interrupted anywhere (before or after its claim was stored) and tried again never skips or doubles "Update N".
    /// </summary>
    public async Task<int> TakeEditionAsync(string squadId, IsoWeek week, CancellationToken cancellationToken)
    {
        var taken = 0;
        var row = await tables.Squads.UpdateAsync<SquadRow>(Partition, TableKey.Encode(squadId), row =>
        {
            var weeks = row.EditionWeeksJson is null
                ? new Dictionary<string, int>(StringComparer.Ordinal)
                : JsonSerializer.Deserialize<Dictionary<string, int>>(row.EditionWeeksJson, StoredText.Json) ?? new Dictionary<string, int>(StringComparer.Ordinal);
            if (weeks.TryGetValue(week.ToString(), out taken))
            {
                return false;
            }

            row.PublishedEditions++;
            taken = row.PublishedEditions;
            weeks[week.ToString()] = taken;
            row.EditionWeeksJson = JsonSerializer.Serialize(weeks.OrderByDescending(w => w.Value).Take(EditionWeeksKept).ToDictionary(), StoredText.Json);
            return true;
        }, cancellationToken);
        return row is null ? throw new InvalidOperationException("Squad not found.") : taken;
    }

    public static SquadSettings DefaultSettings(string? teamName, string? installedBy) => new(
        string.IsNullOrWhiteSpace(teamName) ? "Our squad" : WithinNameLimit(teamName.Trim()),
        SquadSettings.DefaultTimeZoneId,
        SquadSchedule.Default,
        SettingsValidation.DefaultSections,
        installedBy is null ? [] : [installedBy],
        AutoPublish: false);

    /// <summary>The team's name as Teams sent it, cut to the squad-name limit so that the setup card can save it unchanged.</summary>
    private static string WithinNameLimit(string name)
    {
        var cut = SettingsValidation.MaxNameLength;
        if (name.Length <= cut)
        {
            return name;
        }

        // Never between the halves of a surrogate pair (an emoji at the limit).
        return name[..(char.IsHighSurrogate(name[cut - 1]) ? cut - 1 : cut)].TrimEnd();
    }

    /// <summary>Every write of the settings goes through here, so every one of them moves the version on.</summary>
    private static void Write(SquadRow row, SquadSettings settings)
    {
        row.SettingsVersion++;
        row.Name = settings.Name;
        row.TimeZoneId = settings.TimeZoneId;
        row.ScheduleJson = JsonSerializer.Serialize(settings.Schedule, Json);
        row.SectionsJson = JsonSerializer.Serialize(settings.Sections, Json);
        row.RetiredSectionsJson = settings.RetiredSections.Count == 0 ? null : JsonSerializer.Serialize(settings.RetiredSections, Json);
        row.LeadIdsJson = JsonSerializer.Serialize(settings.LeadIds, Json);
        row.AutoPublish = settings.AutoPublish;
        row.PublishOpenly = settings.PublishOpenly;

        // Saved as shown on the card, so renaming the squad later keeps the address readers and feeds already have.
        row.OpenSlug = settings.EffectiveOpenSlug;
        row.TeamOnlySectionsJson = JsonSerializer.Serialize(settings.TeamOnlySectionIds.Order(StringComparer.Ordinal), Json);
        row.CarryForwardSectionsJson = JsonSerializer.Serialize(settings.CarryForwardSectionIds.Order(StringComparer.Ordinal), Json);
        row.GlossaryJson = settings.Glossary.Count == 0 ? null : JsonSerializer.Serialize(settings.Glossary, Json);
    }

    private static Squad ToSquad(SquadRow row)
    {
        var settings = new SquadSettings(
            row.Name,
            row.TimeZoneId,
            JsonSerializer.Deserialize<SquadSchedule>(row.ScheduleJson, Json) ?? SquadSchedule.Default,
            JsonSerializer.Deserialize<List<Section>>(row.SectionsJson, Json) ?? [],
            JsonSerializer.Deserialize<List<string>>(row.LeadIdsJson, Json) ?? [],
            row.AutoPublish)
        {
            RetiredSections = row.RetiredSectionsJson is null ? [] : JsonSerializer.Deserialize<List<Section>>(row.RetiredSectionsJson, Json) ?? [],
            PublishOpenly = row.PublishOpenly,
            Headings = Languages.ReadHeadings(row.Headings),
            OpenSlug = row.OpenSlug,
            TeamOnlySectionIds = row.TeamOnlySectionsJson is null
                ? SquadSettings.DefaultTeamOnlySectionIds
                : new HashSet<string>(JsonSerializer.Deserialize<List<string>>(row.TeamOnlySectionsJson, Json) ?? [], StringComparer.Ordinal),
            CarryForwardSectionIds = row.CarryForwardSectionsJson is null
                ? Continuity.DefaultCarryForwardSectionIds
                : new HashSet<string>(JsonSerializer.Deserialize<List<string>>(row.CarryForwardSectionsJson, Json) ?? [], StringComparer.Ordinal),
            Glossary = ReadGlossary(row),
        };
        return new Squad(row.TeamId, row.TenantId, row.ServiceUrl, row.BotId, row.ChannelId, row.IsConfigured, settings, row.PublishedEditions, row.ETag)
        {
            InstalledAt = row.InstalledAt ?? row.CreatedAt,
            AadGroupId = row.AadGroupId,
            InstallerLanguage = Languages.ReadStored(row.InstallerLanguage),
            SettingsVersion = row.SettingsVersion,
            ScheduleChangedAt = row.ScheduleChangedAt,
            MemberTimeZoneIds = row.MemberTimeZonesJson is null ? [] : JsonSerializer.Deserialize<List<string>>(row.MemberTimeZonesJson, Json) ?? [],
        };
    }
}
