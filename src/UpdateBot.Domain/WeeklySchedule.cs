namespace UpdateBot.Domain;

/// <summary>
/// A step of one squad-week and the instant it falls due; a prompt or reminder whose members are in several zones
/// falls due first at <see cref="DueAt"/> and last at <see cref="LastDueAt"/> (<see cref="MemberSchedule.Window"/>).
/// </summary>
public sealed record DueStep(IsoWeek Week, CycleStep Step, DateTimeOffset DueAt)
{
    /// <summary>The last member's time for the step (the same as <see cref="DueAt"/> on one clock).</summary>
    public DateTimeOffset LastDueAt { get; init; } = DueAt;
}

/// <summary>When each step of a squad's week falls due, in the squad's IANA time zone, DST-correct.</summary>
public static class WeeklySchedule
{
    /// <summary>The steps in the order they happen within a week (also the tie-break when two fall due together).</summary>
    public static IReadOnlyList<CycleStep> Steps { get; } = [CycleStep.Open, CycleStep.Remind, CycleStep.Compile, CycleStep.Publish];

    /// <summary>
    /// The UTC instant the step falls due in that week. A local time inside a spring-forward gap runs at the next
    /// valid instant (the end of the gap); an ambiguous fall-back time runs at its first occurrence.
    /// </summary>
    public static DateTimeOffset DueAt(SquadSchedule schedule, TimeZoneInfo zone, IsoWeek week, CycleStep step)
    {
        var at = schedule.For(step);
        return LocalToUtc(zone, week.DateOf(at.Day).ToDateTime(at.Time));
    }

    /// <summary>
    /// The UTC instant of a wall-clock time in <paramref name="zone"/>: the end of the gap for a skipped time, the first
    /// occurrence for a repeated one.
    /// </summary>
    public static DateTimeOffset LocalToUtc(TimeZoneInfo zone, DateTime localWallClock)
    {
        var local = DateTime.SpecifyKind(localWallClock, DateTimeKind.Unspecified);

        if (zone.IsInvalidTime(local))
        {
            // Transitions fall on whole minutes in every tz database zone, so the first valid minute is the gap's end.
            var candidate = local.AddTicks(-(local.Ticks % TimeSpan.TicksPerMinute));
            do
            {
                candidate = candidate.AddMinutes(1);
            }
            while (zone.IsInvalidTime(candidate));

            local = candidate;
        }

        // For a repeated time the larger offset is the earlier instant (the first occurrence, still on summer time).
        var offset = zone.IsAmbiguousTime(local) ? zone.GetAmbiguousTimeOffsets(local).Max() : zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset).ToUniversalTime();
    }

    /// <summary>The squad's local calendar date at this instant (the "today" for parsing "away until Friday").</summary>
    public static DateOnly LocalDate(TimeZoneInfo zone, DateTimeOffset now) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime);

    /// <summary>The ISO week in the squad's zone at this instant.</summary>
    public static IsoWeek WeekAt(TimeZoneInfo zone, DateTimeOffset now) => IsoWeek.FromDate(LocalDate(zone, now));

    /// <summary>
    /// Every step that is due at <paramref name="now"/> and not older than <paramref name="catchUpWindow"/>,
    /// oldest first, from this week and the previous one (a step of a week long gone is never returned).
    /// A step that an edit of the schedule at <paramref name="scheduleChangedAt"/> put in the past of that week became
    /// due at the edit (<see cref="BecameDueAt"/>): it runs now rather than being skipped silently.
    /// With <paramref name="memberZones"/> (the zones of members on another clock), a prompt or reminder is due from
    /// its first member's time and stays within the catch-up window until its last member's (<see cref="MemberSchedule"/>);
    /// a member east of the squad may be asked for next week's update before the squad's week turns.
    /// The caller filters out steps already marked done.
    /// </summary>
    public static IReadOnlyList<DueStep> DueSteps(SquadSchedule schedule, TimeZoneInfo zone, DateTimeOffset now, TimeSpan catchUpWindow, DateTimeOffset? scheduleChangedAt = null, IReadOnlyCollection<TimeZoneInfo>? memberZones = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(catchUpWindow, TimeSpan.Zero);

        var current = WeekAt(zone, now);
        var oldestAllowed = now - catchUpWindow;
        return StepsOf(schedule, zone, current.Previous(), current.Next(), memberZones ?? [])
            .Where(s => s.DueAt <= now && BecameDueAt(s with { DueAt = s.LastDueAt }, zone, scheduleChangedAt) >= oldestAllowed)
            .ToList();
    }

    /// <summary>
    /// When a step became due: its scheduled time, or — for a step of the week in which the schedule was last edited,
    /// scheduled before that edit — the edit itself (a step moved into the past, or set up after its time had passed).
    /// </summary>
    public static DateTimeOffset BecameDueAt(DueStep step, TimeZoneInfo zone, DateTimeOffset? scheduleChangedAt) =>
        scheduleChangedAt is { } changed && step.DueAt < changed && WeekAt(zone, changed) == step.Week ? changed : step.DueAt;

    /// <summary>
    /// The steps of the week holding <paramref name="now"/> whose time is already past under <paramref name="schedule"/>
    /// (saved now, they run at once unless already done), oldest first.
    /// </summary>
    public static IReadOnlyList<DueStep> PassedThisWeek(SquadSchedule schedule, TimeZoneInfo zone, DateTimeOffset now)
    {
        var current = WeekAt(zone, now);
        return StepsOf(schedule, zone, current, current).Where(s => s.DueAt <= now).ToList();
    }

    /// <summary>The next instant any step falls due after <paramref name="now"/>.</summary>
    public static DateTimeOffset NextDue(SquadSchedule schedule, TimeZoneInfo zone, DateTimeOffset now) =>
        NextStep(schedule, zone, now).DueAt;

    /// <summary>The next step to fall due after <paramref name="now"/> (looking up to two weeks ahead), with its week.</summary>
    public static DueStep NextStep(SquadSchedule schedule, TimeZoneInfo zone, DateTimeOffset now)
    {
        var current = WeekAt(zone, now);
        return StepsOf(schedule, zone, current, current.Next().Next()).First(s => s.DueAt > now);
    }

    /// <summary>All steps of the weeks <paramref name="first"/>…<paramref name="last"/>, oldest first.</summary>
    private static IEnumerable<DueStep> StepsOf(SquadSchedule schedule, TimeZoneInfo zone, IsoWeek first, IsoWeek last, IReadOnlyCollection<TimeZoneInfo>? memberZones = null)
    {
        var steps = new List<DueStep>();
        for (var week = first; week <= last; week = week.Next())
        {
            steps.AddRange(Steps.Select(step => Step(week, step)));
        }

        DueStep Step(IsoWeek week, CycleStep step)
        {
            if (memberZones is not { Count: > 0 })
            {
                return new DueStep(week, step, DueAt(schedule, zone, week, step));
            }

            var (firstDue, lastDue) = MemberSchedule.Window(schedule, zone, memberZones, week, step);
            return new DueStep(week, step, firstDue) { LastDueAt = lastDue };
        }

        // Stable sort: steps due at the same instant keep week-then-step order (compile before publish).
        return steps.OrderBy(s => s.DueAt);
    }
}
