using UpdateBot.Domain;

namespace UpdateBot.Domain.Tests;

/// <summary>Each member's own time: prompts and reminders at the squad's hour on the member's clock, across DST.</summary>
public class MemberScheduleTests
{
    private static readonly TimeZoneInfo London = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");
    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
    private static readonly TimeZoneInfo Auckland = TimeZoneInfo.FindSystemTimeZoneById("Pacific/Auckland");
    private static readonly SquadSchedule Default = SquadSchedule.Default;

    private static DateTimeOffset Utc(int year, int month, int day, int hour, int minute = 0) =>
        new(year, month, day, hour, minute, 0, TimeSpan.Zero);

    private static DateTimeOffset? Due(TimeZoneInfo squad, TimeZoneInfo? member, int week, CycleStep step, SquadSchedule? schedule = null) =>
        MemberSchedule.DueAt(schedule ?? Default, squad, member, new IsoWeek(2026, week), step);

    [Fact]
    public void A_New_York_member_of_a_London_squad_gets_the_10am_prompt_at_10am_New_York()
    {
        Assert.Equal(Utc(2026, 11, 26, 10), Due(London, London, 48, CycleStep.Open));
        Assert.Equal(Utc(2026, 11, 26, 15), Due(London, NewYork, 48, CycleStep.Open));
        Assert.Equal(Utc(2026, 11, 26, 10), Due(London, null, 48, CycleStep.Open)); // zone not known: the squad's clock
    }

    [Fact]
    public void Compile_and_publish_stay_on_the_squads_clock()
    {
        Assert.Equal(Utc(2026, 11, 27, 14), Due(London, NewYork, 48, CycleStep.Compile));
        Assert.Equal(Utc(2026, 11, 27, 16), Due(London, NewYork, 48, CycleStep.Publish));
        Assert.Equal((Utc(2026, 11, 27, 14), Utc(2026, 11, 27, 14)), MemberSchedule.Window(Default, London, [NewYork], new IsoWeek(2026, 48), CycleStep.Compile));
    }

    [Fact]
    public void A_reminder_whose_local_time_falls_after_compile_goes_at_compile()
    {
        // Friday 10:00 in New York is 15:00 in London, after the 14:00 compile.
        Assert.Equal(Utc(2026, 11, 27, 14), Due(London, NewYork, 48, CycleStep.Remind));
        Assert.Equal(Utc(2026, 11, 27, 10), Due(London, London, 48, CycleStep.Remind));
    }

    [Fact]
    public void A_member_whose_local_open_time_falls_after_compile_gets_the_prompt_at_compile_and_no_reminder()
    {
        var late = Default with
        {
            Open = new WeeklyTime(DayOfWeek.Friday, new TimeOnly(11, 0)),
            Remind = new WeeklyTime(DayOfWeek.Friday, new TimeOnly(12, 0)),
        };

        Assert.Equal(Utc(2026, 11, 27, 14), Due(London, NewYork, 48, CycleStep.Open, late)); // 11:00 New York = 16:00 London
        Assert.Null(Due(London, NewYork, 48, CycleStep.Remind, late));
        Assert.Equal(Utc(2026, 11, 27, 12), Due(London, London, 48, CycleStep.Remind, late));
    }

    public static TheoryData<int, int, int, int, int> SpringAndAutumn => new()
    {
        // ISO week of 2026, its Thursday (month, day), then the UTC hour of 10:00 that day in London and in New York.
        { 10, 3, 5, 10, 15 },  // both on winter time
        { 11, 3, 12, 10, 14 }, // New York has sprung forward (8 Mar), London has not
        { 14, 4, 2, 9, 14 },   // both on summer time (London changed 29 Mar)
        { 43, 10, 22, 9, 14 }, // both on summer time
        { 44, 10, 29, 10, 14 }, // London has fallen back (25 Oct), New York has not
        { 45, 11, 5, 10, 15 }, // both on winter time (New York changed 1 Nov)
    };

    [Theory]
    [MemberData(nameof(SpringAndAutumn))]
    public void Each_member_keeps_ten_local_across_the_clock_changes_of_both_zones(int week, int month, int day, int londonUtcHour, int newYorkUtcHour)
    {
        Assert.Equal(Utc(2026, month, day, londonUtcHour), Due(London, London, week, CycleStep.Open));
        Assert.Equal(Utc(2026, month, day, newYorkUtcHour), Due(London, NewYork, week, CycleStep.Open));

        // And the other way round: a New York squad with a London member.
        Assert.Equal(Utc(2026, month, day, newYorkUtcHour), Due(NewYork, NewYork, week, CycleStep.Open));
        Assert.Equal(Utc(2026, month, day, londonUtcHour), Due(NewYork, London, week, CycleStep.Open));
    }

    [Fact]
    public void The_step_window_runs_from_the_first_members_time_to_the_last()
    {
        var (first, last) = MemberSchedule.Window(Default, London, [NewYork, London], new IsoWeek(2026, 48), CycleStep.Open);
        Assert.Equal(Utc(2026, 11, 26, 10), first);
        Assert.Equal(Utc(2026, 11, 26, 15), last);
    }

    [Fact]
    public void DueSteps_with_member_zones_is_due_from_the_first_member_and_caught_up_until_the_last()
    {
        var steps = WeeklySchedule.DueSteps(Default, London, Utc(2026, 11, 26, 10, 30), TimeSpan.FromHours(1), memberZones: [NewYork]);
        var open = Assert.Single(steps);
        Assert.Equal((CycleStep.Open, Utc(2026, 11, 26, 10), Utc(2026, 11, 26, 15)), (open.Step, open.DueAt, open.LastDueAt));

        // Four hours after the squad's own time the step is still in the window: New York has not had its prompt.
        Assert.Contains(WeeklySchedule.DueSteps(Default, London, Utc(2026, 11, 26, 15, 30), TimeSpan.FromHours(1), memberZones: [NewYork]), s => s.Step == CycleStep.Open);

        // Without a member elsewhere, it is not.
        Assert.DoesNotContain(WeeklySchedule.DueSteps(Default, London, Utc(2026, 11, 26, 15, 30), TimeSpan.FromHours(1)), s => s.Step == CycleStep.Open);
    }

    [Fact]
    public void A_member_east_of_the_squad_is_asked_before_the_squads_week_turns()
    {
        // Monday 09:00 in Auckland (NZDT, UTC+13) is Sunday 20:00 in London: still the squad's week 47.
        var monday = Default with { Open = new WeeklyTime(DayOfWeek.Monday, new TimeOnly(9, 0)) };
        Assert.Equal(Utc(2026, 11, 22, 20), Due(London, Auckland, 48, CycleStep.Open, monday));

        var due = WeeklySchedule.DueSteps(monday, London, Utc(2026, 11, 22, 20, 30), TimeSpan.FromDays(1), memberZones: [Auckland]);
        Assert.Contains(due, s => s.Week == new IsoWeek(2026, 48) && s.Step == CycleStep.Open);
        Assert.DoesNotContain(WeeklySchedule.DueSteps(monday, London, Utc(2026, 11, 22, 20, 30), TimeSpan.FromDays(1)), s => s.Week == new IsoWeek(2026, 48));
    }

    [Theory]
    [InlineData("Europe/Lisbon", "Europe/Lisbon")]
    [InlineData(" europe/lisbon ", "Europe/Lisbon")]
    [InlineData("Europe/Lisbonn", null)]
    [InlineData("GMT Standard Time", null)]
    [InlineData("", null)]
    public void A_typed_zone_is_read_as_its_canonical_IANA_name_or_not_at_all(string typed, string? zone) =>
        Assert.Equal(zone, PersonTimeZone.Parse(typed));
}
