using CsCheck;
using UpdateBot.Domain;

namespace UpdateBot.Domain.Tests;

public class WeeklyScheduleTests
{
    private static readonly TimeZoneInfo London = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");
    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
    private static readonly SquadSchedule Default = SquadSchedule.Default;

    private static DateTimeOffset Utc(int year, int month, int day, int hour, int minute = 0) =>
        new(year, month, day, hour, minute, 0, TimeSpan.Zero);

    /// <summary>A schedule whose Open step is the given local day and time (the other steps do not matter here).</summary>
    private static SquadSchedule OpenAt(DayOfWeek day, int hour, int minute) =>
        Default with { Open = new WeeklyTime(day, new TimeOnly(hour, minute)) };

    [Fact]
    public void DueAt_is_local_wall_clock_in_winter_and_summer()
    {
        Assert.Equal(Utc(2026, 11, 26, 10), WeeklySchedule.DueAt(Default, London, new IsoWeek(2026, 48), CycleStep.Open));
        Assert.Equal(Utc(2026, 7, 2, 9), WeeklySchedule.DueAt(Default, London, new IsoWeek(2026, 27), CycleStep.Open));
        Assert.Equal(Utc(2026, 11, 27, 16), WeeklySchedule.DueAt(Default, London, new IsoWeek(2026, 48), CycleStep.Publish));
        Assert.Equal(TimeSpan.Zero, WeeklySchedule.DueAt(Default, London, new IsoWeek(2026, 27), CycleStep.Open).Offset);
    }

    [Theory]
    [InlineData(12, 10, 2026, 3, 22, 10)] // week before spring forward: GMT
    [InlineData(13, 10, 2026, 3, 29, 9)] // the change day itself: 10:00 BST
    [InlineData(43, 10, 2026, 10, 25, 10)] // fall back day: 10:00 GMT
    [InlineData(42, 10, 2026, 10, 18, 9)] // week before: still BST
    public void DueAt_London_keeps_10am_local_on_both_sides_of_DST(int week, int hour, int y, int m, int d, int utcHour) =>
        Assert.Equal(Utc(y, m, d, utcHour), WeeklySchedule.DueAt(OpenAt(DayOfWeek.Sunday, hour, 0), London, new IsoWeek(2026, week), CycleStep.Open));

    [Fact]
    public void DueAt_NewYork_keeps_local_time_across_both_changes()
    {
        // 2026-03-08 and 2026-11-01 are the US change days.
        Assert.Equal(Utc(2026, 3, 8, 14), WeeklySchedule.DueAt(OpenAt(DayOfWeek.Sunday, 10, 0), NewYork, new IsoWeek(2026, 10), CycleStep.Open));
        Assert.Equal(Utc(2026, 3, 1, 15), WeeklySchedule.DueAt(OpenAt(DayOfWeek.Sunday, 10, 0), NewYork, new IsoWeek(2026, 9), CycleStep.Open));
        Assert.Equal(Utc(2026, 11, 1, 15), WeeklySchedule.DueAt(OpenAt(DayOfWeek.Sunday, 10, 0), NewYork, new IsoWeek(2026, 44), CycleStep.Open));
    }

    [Fact]
    public void DueAt_in_a_spring_forward_gap_runs_at_the_end_of_the_gap()
    {
        // 01:30 does not exist in London on 2026-03-29: clocks go 01:00 GMT → 02:00 BST (01:00 UTC).
        Assert.Equal(Utc(2026, 3, 29, 1), WeeklySchedule.DueAt(OpenAt(DayOfWeek.Sunday, 1, 30), London, new IsoWeek(2026, 13), CycleStep.Open));

        // 02:30 does not exist in New York on 2026-03-08: 02:00 EST → 03:00 EDT (07:00 UTC).
        Assert.Equal(Utc(2026, 3, 8, 7), WeeklySchedule.DueAt(OpenAt(DayOfWeek.Sunday, 2, 30), NewYork, new IsoWeek(2026, 10), CycleStep.Open));
        Assert.Equal(Utc(2026, 3, 8, 7), WeeklySchedule.DueAt(OpenAt(DayOfWeek.Sunday, 2, 0), NewYork, new IsoWeek(2026, 10), CycleStep.Open));
    }

    [Fact]
    public void DueAt_at_an_ambiguous_fall_back_time_runs_at_the_first_occurrence()
    {
        // 01:30 happens twice in London on 2026-10-25; the first is 01:30 BST = 00:30 UTC.
        Assert.Equal(Utc(2026, 10, 25, 0, 30), WeeklySchedule.DueAt(OpenAt(DayOfWeek.Sunday, 1, 30), London, new IsoWeek(2026, 43), CycleStep.Open));

        // 01:30 happens twice in New York on 2026-11-01; the first is 01:30 EDT = 05:30 UTC.
        Assert.Equal(Utc(2026, 11, 1, 5, 30), WeeklySchedule.DueAt(OpenAt(DayOfWeek.Sunday, 1, 30), NewYork, new IsoWeek(2026, 44), CycleStep.Open));
    }

    [Theory]
    [InlineData(2026, 12, 31, 23, 30, "Europe/London", 2026, 53)]
    [InlineData(2027, 1, 4, 3, 0, "America/New_York", 2026, 53)] // still Sunday evening in New York
    [InlineData(2027, 1, 4, 5, 0, "America/New_York", 2027, 1)]
    [InlineData(2026, 3, 29, 23, 30, "Europe/London", 2026, 14)] // Monday 00:30 BST
    [InlineData(2025, 12, 29, 0, 0, "Europe/London", 2026, 1)]
    public void WeekAt_is_the_ISO_week_of_the_local_date(int y, int mo, int d, int h, int mi, string zoneId, int year, int week) =>
        Assert.Equal(new IsoWeek(year, week), WeeklySchedule.WeekAt(TimeZoneInfo.FindSystemTimeZoneById(zoneId), Utc(y, mo, d, h, mi)));

    [Fact]
    public void DueSteps_returns_a_step_just_due_and_nothing_before_it()
    {
        var week = new IsoWeek(2026, 48);
        Assert.Empty(WeeklySchedule.DueSteps(Default, London, Utc(2026, 11, 26, 9, 59), TimeSpan.FromHours(1)));
        Assert.Equal(
            [new DueStep(week, CycleStep.Open, Utc(2026, 11, 26, 10))],
            WeeklySchedule.DueSteps(Default, London, Utc(2026, 11, 26, 10), TimeSpan.FromHours(1)));
        Assert.Equal(
            [new DueStep(week, CycleStep.Open, Utc(2026, 11, 26, 10))],
            WeeklySchedule.DueSteps(Default, London, Utc(2026, 11, 26, 11), TimeSpan.FromHours(1))); // window edge is inclusive
    }

    [Fact]
    public void DueSteps_leaves_out_steps_older_than_the_catch_up_window()
    {
        Assert.Empty(WeeklySchedule.DueSteps(Default, London, Utc(2026, 11, 26, 12), TimeSpan.FromHours(1)));
        Assert.Single(WeeklySchedule.DueSteps(Default, London, Utc(2026, 11, 26, 12), TimeSpan.FromHours(6)));
    }

    [Fact]
    public void DueSteps_after_an_outage_returns_the_missed_steps_oldest_first()
    {
        var due = WeeklySchedule.DueSteps(Default, London, Utc(2026, 11, 27, 15), TimeSpan.FromHours(12));
        Assert.Equal([CycleStep.Remind, CycleStep.Compile], due.Select(s => s.Step));

        var all = WeeklySchedule.DueSteps(Default, London, Utc(2026, 11, 27, 16, 30), TimeSpan.FromDays(2));
        Assert.Equal([CycleStep.Open, CycleStep.Remind, CycleStep.Compile, CycleStep.Publish], all.Select(s => s.Step));
        Assert.True(all.Zip(all.Skip(1)).All(p => p.First.DueAt <= p.Second.DueAt));
    }

    [Fact]
    public void DueSteps_early_in_a_week_includes_the_previous_weeks_late_steps()
    {
        // Monday 00:30 of W49: Friday's steps of W48 are within a three-day window, Thursday's open is not.
        var due = WeeklySchedule.DueSteps(Default, London, Utc(2026, 11, 30, 0, 30), TimeSpan.FromDays(3));
        Assert.Equal([CycleStep.Remind, CycleStep.Compile, CycleStep.Publish], due.Select(s => s.Step));
        Assert.All(due, s => Assert.Equal(new IsoWeek(2026, 48), s.Week));
    }

    [Fact]
    public void DueSteps_across_a_year_boundary_labels_the_previous_week_correctly()
    {
        // Monday 2027-01-04 is 2027-W01; the previous week is 2026-W53.
        var due = WeeklySchedule.DueSteps(Default, London, Utc(2027, 1, 4, 9), TimeSpan.FromDays(3));
        Assert.All(due, s => Assert.Equal(new IsoWeek(2026, 53), s.Week));
        Assert.Equal(Utc(2027, 1, 1, 16), due[^1].DueAt);
    }

    [Fact]
    public void DueSteps_never_returns_weeks_long_gone_even_with_a_huge_window()
    {
        var now = Utc(2026, 12, 8, 12); // Tuesday of W50
        var due = WeeklySchedule.DueSteps(Default, London, now, TimeSpan.FromDays(60));
        Assert.Equal(4, due.Count);
        Assert.All(due, s => Assert.Equal(new IsoWeek(2026, 49), s.Week));
    }

    [Fact]
    public void DueSteps_on_a_Sunday_schedule_in_New_York_sees_the_previous_week_on_Monday_UTC()
    {
        var schedule = new SquadSchedule(
            new WeeklyTime(DayOfWeek.Saturday, new TimeOnly(9, 0)),
            new WeeklyTime(DayOfWeek.Sunday, new TimeOnly(9, 0)),
            new WeeklyTime(DayOfWeek.Sunday, new TimeOnly(21, 0)),
            new WeeklyTime(DayOfWeek.Sunday, new TimeOnly(23, 30)));

        // Monday 2026-11-30 04:45 UTC is Sunday 23:45 EST: still W48 locally.
        var due = WeeklySchedule.DueSteps(schedule, NewYork, Utc(2026, 11, 30, 4, 45), TimeSpan.FromHours(1));
        Assert.Equal([new DueStep(new IsoWeek(2026, 48), CycleStep.Publish, Utc(2026, 11, 30, 4, 30))], due);

        // An hour later it is Monday locally (W49) and the W48 step is still caught up.
        due = WeeklySchedule.DueSteps(schedule, NewYork, Utc(2026, 11, 30, 5, 15), TimeSpan.FromHours(1));
        Assert.Equal([new DueStep(new IsoWeek(2026, 48), CycleStep.Publish, Utc(2026, 11, 30, 4, 30))], due);
    }

    [Theory]
    [InlineData(6)] // short outage: everything missed is caught up once
    [InlineData(24)]
    public void Ticking_with_done_markers_runs_each_step_once_even_across_an_outage(int outageHours)
    {
        var window = TimeSpan.FromHours(12);
        var outageStart = Utc(2026, 12, 4, 9); // Friday of W49, covering remind and compile
        var outageEnd = outageStart.AddHours(outageHours);
        var done = new List<DueStep>();

        for (var now = Utc(2026, 11, 23, 0); now <= Utc(2026, 12, 20, 0); now = now.AddMinutes(15))
        {
            if (now >= outageStart && now < outageEnd)
            {
                continue;
            }

            foreach (var step in WeeklySchedule.DueSteps(Default, London, now, window))
            {
                if (!done.Any(d => d.Week == step.Week && d.Step == step.Step))
                {
                    done.Add(step);
                }
            }
        }

        var expected = Enumerable.Range(48, 4).SelectMany(w => WeeklySchedule.Steps.Select(s => (new IsoWeek(2026, w), s)));
        // A longer outage than the window drops Friday's steps of W49 (they are more than 12 hours old on return).
        var missed = outageHours > 12
            ? new[] { CycleStep.Remind, CycleStep.Compile, CycleStep.Publish }.Select(s => (new IsoWeek(2026, 49), s)).ToArray()
            : [];
        Assert.Equal(expected.Except(missed), done.Select(d => (d.Week, d.Step)));
    }

    [Fact]
    public void DueSteps_rejects_a_negative_window() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => WeeklySchedule.DueSteps(Default, London, Utc(2026, 11, 26, 10), TimeSpan.FromHours(-1)));

    [Fact]
    public void NextDue_is_the_soonest_step_strictly_after_now()
    {
        Assert.Equal(Utc(2026, 11, 26, 10), WeeklySchedule.NextDue(Default, London, Utc(2026, 11, 25, 12)));
        Assert.Equal(Utc(2026, 11, 27, 10), WeeklySchedule.NextDue(Default, London, Utc(2026, 11, 26, 10)));
        Assert.Equal(Utc(2026, 12, 3, 10), WeeklySchedule.NextDue(Default, London, Utc(2026, 11, 27, 16)));
        Assert.Equal(Utc(2026, 10, 22, 9), WeeklySchedule.NextDue(Default, London, Utc(2026, 10, 21, 12))); // BST
        Assert.Equal(Utc(2027, 1, 7, 10), WeeklySchedule.NextDue(Default, London, Utc(2027, 1, 1, 17))); // W53 → W01
    }

    [Fact]
    public void NextStep_orders_compile_before_a_publish_at_the_same_time()
    {
        var schedule = Default with { Publish = Default.Compile };
        var next = WeeklySchedule.NextStep(schedule, London, Utc(2026, 11, 27, 13));
        Assert.Equal(new DueStep(new IsoWeek(2026, 48), CycleStep.Compile, Utc(2026, 11, 27, 14)), next);
        Assert.Equal(
            [CycleStep.Compile, CycleStep.Publish],
            WeeklySchedule.DueSteps(schedule, London, Utc(2026, 11, 27, 14), TimeSpan.FromMinutes(5)).Select(s => s.Step));
    }

    [Fact]
    public void LocalDate_is_the_squads_calendar_date() =>
        Assert.Equal(new DateOnly(2026, 11, 29), WeeklySchedule.LocalDate(NewYork, Utc(2026, 11, 30, 4)));

    [Fact]
    public void DueAt_is_the_wall_clock_time_or_the_end_of_its_gap_for_any_week_and_time()
    {
        // Biased towards the weeks, days and hours where London and New York change their clocks.
        var gen = Gen.Select(
            Gen.Int[2000, 2040],
            Gen.Frequency((1, (IGen<int>)Gen.Int[1, 52]), (2, Gen.Int[9, 14]), (2, Gen.Int[42, 45])),
            Gen.Frequency((1, (IGen<int>)Gen.Int[0, 6]), (2, Gen.Const(0))),
            Gen.Frequency((1, (IGen<int>)Gen.Int[0, (23 * 60) + 59]), (2, Gen.Int[50, 190])),
            Gen.Bool);

        gen.Sample((year, weekNumber, dayIndex, minuteOfDay, newYork) =>
        {
            var zone = newYork ? NewYork : London;
            var at = new WeeklyTime((DayOfWeek)dayIndex, TimeOnly.FromTimeSpan(TimeSpan.FromMinutes(minuteOfDay)));
            var week = new IsoWeek(year, weekNumber);
            var due = WeeklySchedule.DueAt(Default with { Open = at }, zone, week, CycleStep.Open);
            var wanted = week.DateOf(at.Day).ToDateTime(at.Time);
            var local = TimeZoneInfo.ConvertTime(due, zone).DateTime;

            if (zone.IsInvalidTime(wanted))
            {
                // The end of the gap: valid, later than wanted, and a minute earlier is still inside the gap.
                return local > wanted && local - wanted <= TimeSpan.FromHours(1) && due.Offset == TimeSpan.Zero
                    && TimeZoneInfo.ConvertTime(due.AddMinutes(-1), zone).DateTime < wanted;
            }

            // The first occurrence: an hour earlier the wall clock did not show this time yet.
            var first = !zone.IsAmbiguousTime(wanted) || TimeZoneInfo.ConvertTime(due.AddHours(-1), zone).DateTime < wanted;
            return local == wanted && first && due.Offset == TimeSpan.Zero;
        });
    }
}

public class ScheduleEditTests
{
    private static readonly TimeZoneInfo London = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");

    // Wednesday 25 Nov 2026, 12:00 GMT. Open moved from Thursday 10:00 to Monday 09:00 (two days ago).
    private static readonly DateTimeOffset Wednesday = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
    private static readonly SquadSchedule MondayOpen = SquadSchedule.Default with { Open = new WeeklyTime(DayOfWeek.Monday, new TimeOnly(9, 0)) };

    [Fact]
    public void A_step_moved_into_the_past_of_this_week_is_due_from_the_edit()
    {
        Assert.DoesNotContain(WeeklySchedule.DueSteps(MondayOpen, London, Wednesday, TimeSpan.FromHours(24)), s => s.Step == CycleStep.Open);

        var due = WeeklySchedule.DueSteps(MondayOpen, London, Wednesday.AddMinutes(1), TimeSpan.FromHours(24), scheduleChangedAt: Wednesday);
        Assert.Contains(due, s => s.Step == CycleStep.Open && s.Week == new IsoWeek(2026, 48));

        // Still honoured on a later tick inside the catch-up window, not after it.
        Assert.Contains(WeeklySchedule.DueSteps(MondayOpen, London, Wednesday.AddHours(23), TimeSpan.FromHours(24), Wednesday), s => s.Step == CycleStep.Open);
        Assert.DoesNotContain(WeeklySchedule.DueSteps(MondayOpen, London, Wednesday.AddHours(25), TimeSpan.FromHours(24), Wednesday), s => s.Step == CycleStep.Open);
    }

    [Fact]
    public void An_edit_never_revives_steps_of_an_earlier_week()
    {
        var due = WeeklySchedule.DueSteps(MondayOpen, London, Wednesday, TimeSpan.FromHours(24), scheduleChangedAt: Wednesday);
        Assert.DoesNotContain(due, s => s.Week == new IsoWeek(2026, 47));
    }

    [Fact]
    public void Passed_this_week_lists_the_steps_whose_time_has_gone()
    {
        var passed = WeeklySchedule.PassedThisWeek(MondayOpen, London, Wednesday);
        Assert.Equal([CycleStep.Open], passed.Select(s => s.Step));
    }
}
