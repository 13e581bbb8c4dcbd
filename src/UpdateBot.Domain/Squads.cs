namespace UpdateBot.Domain;

/// <summary>The four steps of a squad's week (README, "The weekly cycle").</summary>
public enum CycleStep
{
    Open,
    Remind,
    Compile,
    Publish,
}

/// <summary>A day and a local time in the squad's time zone.</summary>
public sealed record WeeklyTime(DayOfWeek Day, TimeOnly Time);

public sealed record SquadSchedule(WeeklyTime Open, WeeklyTime Remind, WeeklyTime Compile, WeeklyTime Publish)
{
    /// <summary>Thursday 10:00 open, Friday 10:00 remind, 14:00 compile, 16:00 publish.</summary>
    public static SquadSchedule Default { get; } = new(
        new WeeklyTime(DayOfWeek.Thursday, new TimeOnly(10, 0)),
        new WeeklyTime(DayOfWeek.Friday, new TimeOnly(10, 0)),
        new WeeklyTime(DayOfWeek.Friday, new TimeOnly(14, 0)),
        new WeeklyTime(DayOfWeek.Friday, new TimeOnly(16, 0)));

    public WeeklyTime For(CycleStep step) => step switch
    {
        CycleStep.Open => Open,
        CycleStep.Remind => Remind,
        CycleStep.Compile => Compile,
        CycleStep.Publish => Publish,
        _ => throw new ArgumentOutOfRangeException(nameof(step)),
    };
}

/// <summary>A digest section. <see cref="Id"/> is stable across renames so stored answers keep their place.</summary>
public sealed record Section(string Id, string Title, string Placeholder);

/// <summary>A squad's settings, as the lead set them up.</summary>
public sealed record SquadSettings(
    string Name,
    string TimeZoneId,
    SquadSchedule Schedule,
    IReadOnlyList<Section> Sections,
    IReadOnlyList<string> LeadIds,
    bool AutoPublish)
{
    public const int MaxSections = 10;
    public const string DefaultTimeZoneId = "Europe/London";

    /// <summary>How many removed sections are remembered (their ids stay taken; their answers keep their titles).</summary>
    public const int MaxRetiredSections = 20;

    /// <summary>
    /// Sections a lead removed, newest first: a week's answers under them stay in its draft under the old title, and
    /// their ids are never reused for a new section.
    /// </summary>
    public IReadOnlyList<Section> RetiredSections { get; init; } = [];

    /// <summary>The current sections, then the retired ones: every title an answer's section id can have.</summary>
    public IEnumerable<Section> AllSections => Sections.Concat(RetiredSections.Where(r => Sections.All(s => s.Id != r.Id)));

    /// <summary>
    /// Whether each publish also produces the open (public) edition of the weeknote (README, "The open weeknote"). Off
    /// by default: nothing is public until a lead turns it on.
    /// </summary>
    public bool PublishOpenly { get; init; }

    /// <summary>
    /// The languages of the channel post's headings (README, "Welsh and English"): English unless a lead chooses Welsh
    /// or both with <c>headings</c> / <c>penawdau</c>. Members' answers are never translated.
    /// </summary>
    public HeadingLanguages Headings { get; init; }

    /// <summary>The squad's web address name under /weeknotes/ (null: <see cref="SettingsValidation.DefaultOpenSlug"/> of the name).</summary>
    public string? OpenSlug { get; init; }

    /// <summary>The slug the open pages use: the one chosen, else the default made from the squad's name.</summary>
    public string EffectiveOpenSlug => OpenSlug ?? SettingsValidation.DefaultOpenSlug(Name);

    /// <summary>The sections the lead keeps for the team: their answers never appear in the open edition.</summary>
    public IReadOnlySet<string> TeamOnlySectionIds { get; init; } = DefaultTeamOnlySectionIds;

    /// <summary>By default every section is public except <i>Blockers and asks</i>.</summary>
    public static IReadOnlySet<string> DefaultTeamOnlySectionIds { get; } = new HashSet<string>(["blockers-and-asks"], StringComparer.Ordinal);

    /// <summary>
    /// The sections whose answers come back on the member's next prompt ("Last week you said: … — what happened?").
    /// </summary>
    public IReadOnlySet<string> CarryForwardSectionIds { get; init; } = Continuity.DefaultCarryForwardSectionIds;

    /// <summary>Whether last week's answer in this section is shown on the next prompt.</summary>
    public bool CarriesForward(string sectionId) => CarryForwardSectionIds.Contains(sectionId);

    /// <summary>The squad's own acronyms and what they stand for (the plain-English check suggests the expansion).</summary>
    public IReadOnlyDictionary<string, string> Glossary { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Whether answers under this section are public by default (the author and the lead can still keep them back).</summary>
    public bool IsSectionPublic(string sectionId) => !TeamOnlySectionIds.Contains(sectionId);
}

/// <summary>How a member stands for one week.</summary>
public enum EntryStatus
{
    /// <summary>Prompted (or not yet), nothing said.</summary>
    Pending,
    Answered,
    Quiet,
    Away,
}

/// <summary>One member's answer for one squad-week. Section texts are keyed by <see cref="Section.Id"/>.</summary>
public sealed record Entry(
    string MemberId,
    string MemberName,
    EntryStatus Status,
    IReadOnlyDictionary<string, string> Answers,
    DateTimeOffset UpdatedAt)
{
    /// <summary>The member kept this week's answers for the team: none of them is ever in the open edition.</summary>
    public bool TeamOnly { get; init; }
}

/// <summary>Why a rostered member could not be prompted (README, "The weekly cycle": nobody is dropped silently).</summary>
public enum ReachStatus
{
    Reachable,
    NotInstalled,
    BlockedBot,
    LeftTeam,
    OptedOut,
    Away,
    Throttled,
    Failed,

    /// <summary>Teams refused the message itself (too large, malformed): sending it again unchanged cannot help.</summary>
    Refused,
}
