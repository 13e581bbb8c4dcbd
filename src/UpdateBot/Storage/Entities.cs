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

    /// <summary>
    /// The <see cref="Domain.Language"/> of the Teams locale of whoever added the app (the install event's): the team
    /// welcome's language; null when Teams said none. Forgotten with <see cref="InstalledBy"/>.
    /// </summary>
    public string? InstallerLanguage { get; set; }

    /// <summary>The team's Microsoft 365 group id, for deep links to channel posts.</summary>
    public string? AadGroupId { get; set; }
    public bool IsConfigured { get; set; }
    public string Name { get; set; } = "";
    public string TimeZoneId { get; set; } = "";
    public string ScheduleJson { get; set; } = "";
    public string SectionsJson { get; set; } = "";

    /// <summary>Sections a lead removed (see <see cref="Domain.SquadSettings.RetiredSections"/>); null before any was.</summary>
    public string? RetiredSectionsJson { get; set; }
    public string LeadIdsJson { get; set; } = "";

    /// <summary>Goes up by one with every change of the settings: setup cards carry it, so a stale card is caught.</summary>
    public int SettingsVersion { get; set; }
    public bool AutoPublish { get; set; }

    /// <summary>Each publish also produces the open (public) edition (see <see cref="Domain.SquadSettings.PublishOpenly"/>).</summary>
    public bool PublishOpenly { get; set; }

    /// <summary>The <see cref="Domain.HeadingLanguages"/> of the channel post; null: English. Set by its own command, never by the setup card.</summary>
    public string? Headings { get; set; }

    /// <summary>The open weeknote's web address name, fixed when first saved (a later rename of the squad keeps its address).</summary>
    public string? OpenSlug { get; set; }

    /// <summary>Ids of the sections kept for the team; null before the lead chose (the default: <i>Blockers and asks</i>).</summary>
    public string? TeamOnlySectionsJson { get; set; }

    /// <summary>Ids of the sections that carry forward to the next prompt; null before the lead chose (the defaults: "Next week", <i>Blockers and asks</i>).</summary>
    public string? CarryForwardSectionsJson { get; set; }

    /// <summary>The squad's glossary (acronym → what it stands for) for the plain-English check; null when empty.</summary>
    public string? GlossaryJson { get; set; }
    public int PublishedEditions { get; set; }

    /// <summary>
    /// JSON array of the IANA zones of members on another clock than the squad's (null: none known), so the scheduler
    /// knows when each member's prompt falls due without reading the roster (README, "Each member's own time").
    /// </summary>
    public string? MemberTimeZonesJson { get; set; }

    /// <summary>The edition number each recently published week took (JSON, week → number; see <see cref="SquadStore.TakeEditionAsync"/>).</summary>
    public string? EditionWeeksJson { get; set; }

    /// <summary>When the schedule or time zone was last saved different (or first saved).</summary>
    public DateTimeOffset? ScheduleChangedAt { get; set; }
    public bool Removed { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When the app was last added to the team (null on squads stored before this was kept: <see cref="CreatedAt"/>).</summary>
    public DateTimeOffset? InstalledAt { get; set; }
}

/// <summary>PK "slug", RK the slug: which squad holds an open weeknote address (added only if absent, so two squads never share one).</summary>
public sealed class SlugRow : TableRow
{
    public string SquadId { get; set; } = "";
}

/// <summary>PK user id, RK "profile": the person's own choices that hold across squads (how they are named in public).</summary>
public sealed class ProfileRow : TableRow
{
    public string PublicName { get; set; } = "";
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

    /// <summary>Why they cannot be reached, in English as recorded; shown as it is when <see cref="ReachDetailCode"/> is null.</summary>
    public string? ReachDetail { get; set; }

    /// <summary>The <see cref="Domain.DeliveryReason"/> behind <see cref="ReachDetail"/>; null on rows written before it was kept.</summary>
    public string? ReachDetailCode { get; set; }
    public DateTimeOffset? ReachCheckedAt { get; set; }

    /// <summary>When the member was last seen leaving the team (null while on the roster).</summary>
    public DateTimeOffset? LeftAt { get; set; }

    /// <summary>The member's IANA time zone (a copy of their chat reference's, for the fan-out); null: not known.</summary>
    public string? TimeZoneId { get; set; }

    /// <summary>The <see cref="Domain.Language"/> the member is spoken to in (a copy of their chat reference's, for the fan-out); null: English.</summary>
    public string? Language { get; set; }

    /// <summary>True once the person's squad link of the first layout (<see cref="SquadLinkRow"/>) is written. Still written, for an instance of an earlier version during a rolling upgrade.</summary>
    public bool Indexed { get; set; }

    /// <summary>
    /// True once the squad is on the person's list row (<see cref="SquadListRow"/>). A row an instance of an earlier
    /// version wrote (it linked by a link row, which a list row that already exists never reads) is listed at the next
    /// roster sync or retention sweep.
    /// </summary>
    public bool Listed { get; set; }
}

/// <summary>
/// PK user id, RK "squad|" + squad id: the person is on (or leads) that squad. The layout before <see cref="SquadListRow"/>:
/// read once per person to make their list row, and deleted when the person leaves that squad.
/// </summary>
public sealed class SquadLinkRow : TableRow
{
    public string SquadId { get; set; } = "";
}

/// <summary>PK user id, RK "squads|" + user id: every squad the person is on or leads (a JSON array of squad ids), read in one point read.</summary>
public sealed class SquadListRow : TableRow
{
    public string SquadIdsJson { get; set; } = "[]";

    /// <summary>True once the person's <see cref="SquadLinkRow"/>s (if any) are folded in; until then the next read does it.</summary>
    public bool EarlierLinksRead { get; set; }
}

/// <summary>PK user id, RK "choice|" + token: a message waiting for the person to say which squad it is for.</summary>
public sealed class PendingChoiceRow : TableRow
{
    public string Text { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
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

    /// <summary>A person's IANA time zone (their 1:1 reference only): from the Teams client, or set by them.</summary>
    public string? TimeZoneId { get; set; }

    /// <summary><see cref="Domain.TimeZoneSource"/> of <see cref="TimeZoneId"/>.</summary>
    public string? TimeZoneSource { get; set; }

    /// <summary>The <see cref="Domain.Language"/> of the locale the person's Teams client last reported (1:1 reference only).</summary>
    public string? TeamsLanguage { get; set; }

    /// <summary>The <see cref="Domain.Language"/> the person chose with <c>language</c> / <c>iaith</c>; it beats <see cref="TeamsLanguage"/>.</summary>
    public string? ChosenLanguage { get; set; }
}

public sealed class EntryRow : TableRow
{
    public string MemberId { get; set; } = "";
    public string MemberName { get; set; } = "";
    public string Status { get; set; } = "";
    public string AnswersJson { get; set; } = "{}";

    /// <summary>The member kept this week's answers for the team (never in the open edition).</summary>
    public bool TeamOnly { get; set; }

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

    /// <summary>Why it did not simply go out, in English as recorded; shown as it is when <see cref="DetailCode"/> is null.</summary>
    public string? Detail { get; set; }

    /// <summary>The <see cref="Domain.DeliveryReason"/> behind <see cref="Detail"/>, said in the reader's language; null on older rows and step failures.</summary>
    public string? DetailCode { get; set; }
    public int Edition { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>
    /// On the channel post only: the version of the review draft (<see cref="CycleStore.DraftVersion"/>) that the post and
    /// its saved copies were last made from. Null on posts from before it was kept (never reported as out of date).
    /// </summary>
    public string? ShownDraft { get; set; }
    /// <summary>A step due again only from this instant (a member's own time still to come); null: at once.</summary>
    public DateTimeOffset? NotBefore { get; set; }
}

/// <summary>
/// The lead's review edits for a squad-week's draft digest: intro, hidden items and section order. Each edited item
/// text is its own <see cref="LeadEditRow"/> in the same partition, written in one transaction with this row.
/// </summary>
public sealed class DraftRow : TableRow
{
    public string? Intro { get; set; }
    public string HiddenJson { get; set; } = "[]";

    /// <summary>Items a lead withheld from the open edition (they stay in the channel post); null when none.</summary>
    public string? WithheldJson { get; set; }

    /// <summary>Only in drafts stored before edits had rows of their own: read, then moved to rows on the next save.</summary>
    public string? EditedJson { get; set; }
    public string? OrderJson { get; set; }
    public string? LastEditedBy { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>One lead's edit of one item of a squad-week's draft (row key "edit|member|section").</summary>
public sealed class LeadEditRow : TableRow
{
    public string ItemId { get; set; } = "";

    /// <summary>The item's author, so their erasure finds the edits of their words.</summary>
    public string MemberId { get; set; } = "";
    public string Text { get; set; } = "";

    /// <summary>Fingerprint of the member's answer the edit was made against; a later answer by the member wins.</summary>
    public string? AnswerBasis { get; set; }
    public string? EditedBy { get; set; }
    public DateTimeOffset EditedAt { get; set; }
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
    /// <summary>The whole Markdown as callers see it; stored in parts when long (<see cref="EditionStore"/>).</summary>
    public string Markdown { get; set; } = "";

    /// <summary>How many parts the stored Markdown has (0 or 1: all in <see cref="Markdown"/>).</summary>
    public int MarkdownParts { get; set; }
    public DateTimeOffset PublishedAt { get; set; }
}

/// <summary>One open (public) edition: its JSON (<see cref="OpenEditionStore"/>), in parts when long.</summary>
public sealed class OpenEditionRow : TableRow
{
    public int Edition { get; set; }
    public string Week { get; set; } = "";
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>The first part of the edition's JSON; the rest are part rows of this generation.</summary>
    public string Json { get; set; } = "";

    /// <summary>How many parts the JSON has (1: all in <see cref="Json"/>).</summary>
    public int JsonParts { get; set; }

    /// <summary>Which part rows belong to this version of the row (a rewrite writes new ones before it switches).</summary>
    public string Generation { get; set; } = "";
}

/// <summary>
/// A lead marked one member's blocker resolved (row key "resolved|member|key" in the squad-week partition of the week
/// it was marked). Holds no words: the key is a fingerprint (<see cref="Domain.Continuity.BlockerKey"/>).
/// </summary>
public sealed class ResolvedBlockerRow : TableRow
{
    public string MemberId { get; set; } = "";
    public string Key { get; set; } = "";
    public string? ResolvedBy { get; set; }
    public DateTimeOffset ResolvedAt { get; set; }
}

public sealed class LeaseRow : TableRow
{
    public string Owner { get; set; } = "";
    public DateTimeOffset ExpiresAt { get; set; }
}
