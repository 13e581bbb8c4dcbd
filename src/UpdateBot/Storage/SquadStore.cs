using System.Text.Json;
using Azure;
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

    /// <summary>The team's Microsoft 365 group id (from the install event), for deep links.</summary>
    public string? AadGroupId { get; init; }

    /// <summary>A Teams deep link to a post in the squad's channel, or null when the group id is not known yet.</summary>
    public string? LinkToPost(string? activityId) =>
        AadGroupId is null || string.IsNullOrEmpty(activityId)
            ? null
            : $"https://teams.microsoft.com/l/message/{Uri.EscapeDataString(ChannelId)}/{Uri.EscapeDataString(activityId)}?tenantId={Uri.EscapeDataString(TenantId)}&groupId={Uri.EscapeDataString(AadGroupId)}&parentMessageId={Uri.EscapeDataString(activityId)}";
}

public sealed class SquadStore(Tables tables, TimeProvider time)
{
    private const string Partition = "squad";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

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
    public async Task<Squad> RecordInstallAsync(string teamId, string? teamName, string tenantId, string serviceUrl, string botId, string channelId, string? installedBy, CancellationToken cancellationToken)
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
                    CreatedAt = time.GetUtcNow(),
                };
                var defaults = DefaultSettings(teamName, installedBy);
                Write(row, defaults);
                if (await tables.Squads.TryAddAsync(row, cancellationToken))
                {
                    return ToSquad(row);
                }

                continue;
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

    /// <summary>Saves validated settings if nobody changed the squad since it was read. False on a concurrent edit.</summary>
    public async Task<bool> TrySaveSettingsAsync(Squad squad, SquadSettings settings, CancellationToken cancellationToken)
    {
        var row = await tables.Squads.FindAsync<SquadRow>(Partition, TableKey.Encode(squad.Id), cancellationToken);
        if (row is null || row.ETag != squad.ETag)
        {
            return false;
        }

        var scheduleBefore = row.IsConfigured ? (row.ScheduleJson, row.TimeZoneId) : default;
        Write(row, settings);
        if ((row.ScheduleJson, row.TimeZoneId) != scheduleBefore)
        {
            row.ScheduleChangedAt = time.GetUtcNow();
        }

        row.IsConfigured = true;
        return await tables.Squads.TryReplaceAsync(row, cancellationToken);
    }

    /// <summary>Keeps the newest serviceUrl for the squad (docs/protocol.md, "Service URL": it can change).</summary>
    public Task RefreshServiceUrlAsync(string squadId, string serviceUrl, CancellationToken cancellationToken) =>
        tables.Squads.UpdateAsync<SquadRow>(Partition, TableKey.Encode(squadId), row =>
        {
            var changed = !string.Equals(row.ServiceUrl, serviceUrl, StringComparison.Ordinal);
            row.ServiceUrl = serviceUrl;
            return changed;
        }, cancellationToken);

    public Task MarkRemovedAsync(string squadId, CancellationToken cancellationToken) =>
        tables.Squads.UpdateAsync<SquadRow>(Partition, TableKey.Encode(squadId), row =>
        {
            var changed = !row.Removed;
            row.Removed = true;
            return changed;
        }, cancellationToken);

    /// <summary>Takes the next edition number, safely against concurrent publishers.</summary>
    public async Task<int> TakeNextEditionAsync(string squadId, CancellationToken cancellationToken)
    {
        var row = await tables.Squads.UpdateAsync<SquadRow>(Partition, TableKey.Encode(squadId), row =>
        {
            row.PublishedEditions++;
            return true;
        }, cancellationToken);
        return row?.PublishedEditions ?? throw new InvalidOperationException("Squad not found.");
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

    private static void Write(SquadRow row, SquadSettings settings)
    {
        row.Name = settings.Name;
        row.TimeZoneId = settings.TimeZoneId;
        row.ScheduleJson = JsonSerializer.Serialize(settings.Schedule, Json);
        row.SectionsJson = JsonSerializer.Serialize(settings.Sections, Json);
        row.LeadIdsJson = JsonSerializer.Serialize(settings.LeadIds, Json);
        row.AutoPublish = settings.AutoPublish;
    }

    private static Squad ToSquad(SquadRow row)
    {
        var settings = new SquadSettings(
            row.Name,
            row.TimeZoneId,
            JsonSerializer.Deserialize<SquadSchedule>(row.ScheduleJson, Json) ?? SquadSchedule.Default,
            JsonSerializer.Deserialize<List<Section>>(row.SectionsJson, Json) ?? [],
            JsonSerializer.Deserialize<List<string>>(row.LeadIdsJson, Json) ?? [],
            row.AutoPublish);
        return new Squad(row.TeamId, row.TenantId, row.ServiceUrl, row.BotId, row.ChannelId, row.IsConfigured, settings, row.PublishedEditions, row.ETag)
        {
            AadGroupId = row.AadGroupId,
            ScheduleChangedAt = row.ScheduleChangedAt,
        };
    }
}
