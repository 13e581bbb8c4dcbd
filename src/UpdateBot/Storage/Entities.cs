using Azure;
using Azure.Data.Tables;

namespace UpdateBot.Storage;

// Table rows. Plain property bags: the stores translate them to and from domain records.

public abstract class TableRow : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }
}

public sealed class SquadRow : TableRow
{
    public string TeamId { get; set; } = "";
    public string TenantId { get; set; } = "";
    public string ServiceUrl { get; set; } = "";
    public string BotId { get; set; } = "";

    /// <summary>The channel the digest goes to (the one it was set up in).</summary>
    public string ChannelId { get; set; } = "";
    public string? InstalledBy { get; set; }

    /// <summary>The team's Microsoft 365 group id, for deep links to channel posts.</summary>
    public string? AadGroupId { get; set; }
    public bool IsConfigured { get; set; }
    public string Name { get; set; } = "";
    public string TimeZoneId { get; set; } = "";
    public string ScheduleJson { get; set; } = "";
    public string SectionsJson { get; set; } = "";
    public string LeadIdsJson { get; set; } = "";
    public bool AutoPublish { get; set; }
    public int PublishedEditions { get; set; }

    /// <summary>When the schedule or time zone was last saved different (or first saved).</summary>
    public DateTimeOffset? ScheduleChangedAt { get; set; }
    public bool Removed { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

public sealed class MemberRow : TableRow
{
    public string UserId { get; set; } = "";
    public string Name { get; set; } = "";
    public string? AadObjectId { get; set; }
    public string? Email { get; set; }
    public string? UserRole { get; set; }
    public bool InRoster { get; set; } = true;
    public bool OptedOut { get; set; }

    /// <summary>yyyy-MM-dd, inclusive.</summary>
    public string? AwayUntil { get; set; }

    /// <summary>yyyy-MM-dd, inclusive: the first day away ("away next week"); none means from when it was said.</summary>
    public string? AwayFrom { get; set; }
    public string? Reach { get; set; }
    public string? ReachDetail { get; set; }
    public DateTimeOffset? ReachCheckedAt { get; set; }
}

public sealed class ConversationRow : TableRow
{
    public string ConversationId { get; set; } = "";
    public string ServiceUrl { get; set; } = "";
    public string TenantId { get; set; } = "";
    public string? BotId { get; set; }
    public string? Name { get; set; }
    public string? AadObjectId { get; set; }
    public string? TeamId { get; set; }
    public bool Active { get; set; } = true;
    public DateTimeOffset UpdatedAt { get; set; }
}

public sealed class EntryRow : TableRow
{
    public string MemberId { get; set; } = "";
    public string MemberName { get; set; } = "";
    public string Status { get; set; } = "";
    public string AnswersJson { get; set; } = "{}";

    /// <summary>The 1:1 message holding the member's latest prompt/summary card, to update it in place.</summary>
    public string? CardActivityId { get; set; }
    public string? CardConversationId { get; set; }

    /// <summary>JSON array of the latest chat messages (activity ids) captured into this entry, so a redelivery is not added twice.</summary>
    public string? CapturedActivityIds { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>A marker in a squad-week partition: a step, a per-member send, the channel post.</summary>
public sealed class MarkerRow : TableRow
{
    public string State { get; set; } = "";
    public string? ConversationId { get; set; }
    public string? ActivityId { get; set; }
    public string? Detail { get; set; }
    public int Edition { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>The lead's review edits for a squad-week's draft digest.</summary>
public sealed class DraftRow : TableRow
{
    public string? Intro { get; set; }
    public string HiddenJson { get; set; } = "[]";
    public string EditedJson { get; set; } = "{}";
    public string? OrderJson { get; set; }
    public string? LastEditedBy { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

public sealed class EditionRow : TableRow
{
    public int Edition { get; set; }
    public string Week { get; set; } = "";
    public string Title { get; set; } = "";
    public string DateRange { get; set; } = "";
    public string Participation { get; set; } = "";
    public string? ConversationId { get; set; }
    public string? ActivityId { get; set; }
    public string Markdown { get; set; } = "";
    public DateTimeOffset PublishedAt { get; set; }
}

public sealed class LeaseRow : TableRow
{
    public string Owner { get; set; } = "";
    public DateTimeOffset ExpiresAt { get; set; }
}
