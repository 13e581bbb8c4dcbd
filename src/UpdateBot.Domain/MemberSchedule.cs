namespace UpdateBot.Domain;

/// <summary>How a member's time zone became known.</summary>
public enum TimeZoneSource
{
    /// <summary>Read from the Teams client on the member's own activities (the <c>clientInfo</c> entity).</summary>
    Client,

    /// <summary>Set by the member with <c>my time zone …</c>: kept until they set another (or say <c>my time zone auto</c>).</summary>
    Set,
}

/// <summary>
/// Each member's own time (README, "The weekly cycle"): prompts and reminders go at the squad's day and hour on each
/// member's own clock, while compile and publish stay on the squad's. Pure: zones come in resolved.
/// </summary>
public static class MemberSchedule
{
    /// <summary>Prompts and reminders follow each member's clock; the lead's steps follow the squad's.</summary>
    public static bool IsMemberLocal(CycleStep step) => step is CycleStep.Open or CycleStep.Remind;

    /// <summary>
    /// When a member's prompt (<see cref="CycleStep.Open"/>) or reminder (<see cref="CycleStep.Remind"/>) of
    /// <paramref name="week"/> falls due: the squad's day and hour for the step as a wall-clock time in the member's zone
    /// (the squad's zone when theirs is not known), DST-correct as <see cref="WeeklySchedule.LocalToUtc"/>, and never
    /// later than the squad's compile time, so the draft the leads get has asked everyone. Null for a reminder that would
    /// not come after the member's prompt (both held back to the compile time): the prompt has only just gone.
    /// </summary>
    public static DateTimeOffset? DueAt(SquadSchedule schedule, TimeZoneInfo squadZone, TimeZoneInfo? memberZone, IsoWeek week, CycleStep step)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        if (!IsMemberLocal(step))
        {
            return WeeklySchedule.DueAt(schedule, squadZone, week, step);
        }

        var due = Capped(schedule, squadZone, memberZone ?? squadZone, week, step);
        return step == CycleStep.Remind && due <= Capped(schedule, squadZone, memberZone ?? squadZone, week, CycleStep.Open) ? null : due;
    }

    /// <summary>
    /// The first and last instant a step of <paramref name="week"/> falls due for anyone: the squad's own time and each
    /// member zone's (<see cref="DueAt"/>). The same instant twice for the compile and publish steps.
    /// </summary>
    public static (DateTimeOffset First, DateTimeOffset Last) Window(SquadSchedule schedule, TimeZoneInfo squadZone, IEnumerable<TimeZoneInfo> memberZones, IsoWeek week, CycleStep step)
    {
        ArgumentNullException.ThrowIfNull(memberZones);
        var own = WeeklySchedule.DueAt(schedule, squadZone, week, step);
        if (!IsMemberLocal(step))
        {
            return (own, own);
        }

        var times = memberZones.Prepend(squadZone).Select(zone => DueAt(schedule, squadZone, zone, week, step)).OfType<DateTimeOffset>().ToList();
        return times.Count == 0 ? (own, own) : (times.Min(), times.Max());
    }

    private static DateTimeOffset Capped(SquadSchedule schedule, TimeZoneInfo squadZone, TimeZoneInfo zone, IsoWeek week, CycleStep step)
    {
        var local = WeeklySchedule.DueAt(schedule, zone, week, step);
        var compile = WeeklySchedule.DueAt(schedule, squadZone, week, CycleStep.Compile);
        return local < compile ? local : compile;
    }
}

/// <summary>Which time zone a person is on, from what their Teams client reports and what they set themselves.</summary>
public static class PersonTimeZone
{
    /// <summary>
    /// The zone to keep after an activity whose client reported <paramref name="reported"/>: a zone the person set
    /// themselves stands (a client on a laptop's clock must not undo it); otherwise a known IANA zone the client reports
    /// replaces the stored one, in its canonical spelling. Nothing reported, or something that is not an IANA zone,
    /// changes nothing.
    /// </summary>
    public static string? Learn(string? stored, TimeZoneSource? source, string? reported) =>
        source == TimeZoneSource.Set || !SettingsValidation.TryFindTimeZone(reported, out var zone) ? stored : zone.Id;

    /// <summary>
    /// Reads a zone a person typed (<c>my time zone Europe/Lisbon</c>): its canonical IANA name, or null when it is not
    /// one (the service says so in the person's language: <c>TimeZone.NotAZone</c>).
    /// </summary>
    public static string? Parse(string? typed) =>
        SettingsValidation.TryFindTimeZone(typed, out var zone) ? zone.Id : null;
}
