namespace UpdateBot.Domain;

/// <summary>A step of one squad-week and the instant it falls due.</summary>
public sealed record DueStep(IsoWeek Week, CycleStep Step, DateTimeOffset DueAt);

/// <summary>When each step of a squad's week falls due, in the squad's IANA time zone, DST-correct. STUBS.</summary>
public static class WeeklySchedule
{
    /// <summary>
    /// The UTC instant the step falls due in that week. A local time inside a spring-forward gap runs at the next
    /// valid instant (the end of the gap); an ambiguous fall-back time runs at its first occurrence.
    /// </summary>
    public static DateTimeOffset DueAt(SquadSchedule schedule, TimeZoneInfo zone, IsoWeek week, CycleStep step) => throw new NotImplementedException();

    /// <summary>The ISO week in the squad's zone at this instant.</summary>
    public static IsoWeek WeekAt(TimeZoneInfo zone, DateTimeOffset now) => throw new NotImplementedException();

    /// <summary>
    /// Every step that is due at <paramref name="now"/> and not older than <paramref name="catchUpWindow"/>,
    /// oldest first, from this week and the previous one (a step of a week long gone is never returned).
    /// The caller filters out steps already marked done.
    /// </summary>
    public static IReadOnlyList<DueStep> DueSteps(SquadSchedule schedule, TimeZoneInfo zone, DateTimeOffset now, TimeSpan catchUpWindow) => throw new NotImplementedException();

    /// <summary>The next instant any step falls due after <paramref name="now"/>.</summary>
    public static DateTimeOffset NextDue(SquadSchedule schedule, TimeZoneInfo zone, DateTimeOffset now) => throw new NotImplementedException();
}
