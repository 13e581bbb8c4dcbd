using UpdateBot.Domain;

namespace UpdateBot.Domain.Tests;

/// <summary>The squad-week's rules (issue 8 part 1, issue 10): pure, so each runs in microseconds.</summary>
public class SquadWeekTests
{
    private static readonly TimeZoneInfo London = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");
    private static readonly SquadId Squad = new("19:team@thread.tacv2");
    private static readonly UserId Ada = new("29:ada");
    private static readonly IsoWeek W48 = new(2026, 48);

    // Default schedule, week 48 of 2026: open Thu 26 Nov 10:00, remind Fri 27 10:00, compile 14:00, publish 16:00 (GMT).
    private static readonly SquadSettings Settings = new("Platform", "Europe/London", SquadSchedule.Default, [new Section("s1", "Highlights", "")], ["29:lead"], AutoPublish: false);
    private static readonly DateTimeOffset ThursdayNoon = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset FridayEvening = new(2026, 11, 27, 18, 0, 0, TimeSpan.Zero);

    private static SquadWeek Week(bool published = false) => SquadWeek.Of(Squad, Settings, London, W48, published);

    [Fact]
    public void A_week_closes_at_its_publish_time()
    {
        Assert.Equal(new DateTimeOffset(2026, 11, 27, 16, 0, 0, TimeSpan.Zero), Week().ClosesAt);
        Assert.Equal(WeekPhase.Open, Week().PhaseAt(ThursdayNoon));
        Assert.Equal(WeekPhase.Closed, Week().PhaseAt(Week().ClosesAt));
        Assert.Equal(WeekPhase.Closed, Week().PhaseAt(FridayEvening));
    }

    [Fact]
    public void Publishing_early_closes_the_week()
    {
        Assert.Equal(WeekPhase.Published, Week(published: true).PhaseAt(ThursdayNoon));
        Assert.False(Week(published: true).IsOpenAt(ThursdayNoon));
    }

    [Theory]
    [InlineData(false, false, WordsDestination.ThisWeek)]
    [InlineData(false, true, WordsDestination.LeadDesk)]
    [InlineData(true, false, WordsDestination.NextWeek)]
    [InlineData(true, true, WordsDestination.NextWeek)]
    public void Late_words_go_to_the_lead_desk_until_published_then_to_the_next_week(bool published, bool afterClose, WordsDestination expected) =>
        Assert.Equal(expected, Week(published).WordsGoAt(afterClose ? FridayEvening : ThursdayNoon));

    [Theory]
    [InlineData(CycleStep.Open)]
    [InlineData(CycleStep.Remind)]
    public void Prompts_and_reminders_stop_once_the_week_closes_or_is_published_early(CycleStep step)
    {
        Assert.True(Week().StepSendsAt(step, ThursdayNoon));
        Assert.False(Week().StepSendsAt(step, FridayEvening));
        Assert.False(Week(published: true).StepSendsAt(step, ThursdayNoon));
    }

    [Fact]
    public void Compile_sends_the_desk_to_leads_unless_published_and_publish_posts_or_reminds()
    {
        Assert.Equal(LeadSend.ReviewDesk, Week().LeadSendFor(CycleStep.Compile, autoPublish: false, FridayEvening));
        Assert.Equal(LeadSend.Nothing, Week(published: true).LeadSendFor(CycleStep.Compile, autoPublish: false, FridayEvening));
        Assert.Equal(LeadSend.ChannelPost, Week().LeadSendFor(CycleStep.Publish, autoPublish: true, FridayEvening));
        Assert.Equal(LeadSend.PublishReminder, Week().LeadSendFor(CycleStep.Publish, autoPublish: false, FridayEvening));
        Assert.Equal(LeadSend.Nothing, Week(published: true).LeadSendFor(CycleStep.Publish, autoPublish: false, FridayEvening));
    }

    [Fact]
    public void A_review_desk_acts_only_on_the_current_week_or_the_one_before()
    {
        Assert.True(SquadWeek.DeskAccepts(W48, W48));
        Assert.True(SquadWeek.DeskAccepts(W48, W48.Next()));
        Assert.False(SquadWeek.DeskAccepts(W48, W48.Next().Next()));
        Assert.False(SquadWeek.DeskAccepts(W48.Next(), W48));
    }

    private static MemberWeek Member(EntryStatus status = EntryStatus.Pending, bool hasAnswers = false, bool inRoster = true, bool optedOut = false, AwayPeriod? away = null) =>
        new(Ada, status, hasAnswers, inRoster, optedOut, away);

    private static readonly DateOnly Thursday = new(2026, 11, 26);
    private static readonly DateOnly Friday = new(2026, 11, 27);

    [Theory]
    [InlineData(EntryStatus.Pending, MemberSend.Form, MemberSend.Form)]
    [InlineData(EntryStatus.Answered, MemberSend.Summary, MemberSend.Skip)]
    [InlineData(EntryStatus.Quiet, MemberSend.Summary, MemberSend.Skip)]
    [InlineData(EntryStatus.Away, MemberSend.Summary, MemberSend.Skip)]
    public void Each_status_gets_a_prompt_and_only_pending_gets_a_reminder(EntryStatus status, MemberSend prompt, MemberSend reminder)
    {
        Assert.Equal(prompt, Member(status).ForStep(CycleStep.Open, Thursday));
        Assert.Equal(reminder, Member(status).ForStep(CycleStep.Remind, Friday));
    }

    [Fact]
    public void Stopped_and_left_members_get_nothing()
    {
        Assert.Equal(MemberSend.Skip, Member(optedOut: true).ForStep(CycleStep.Open, Thursday));
        Assert.Equal(MemberSend.Skip, Member(inRoster: false).ForStep(CycleStep.Open, Thursday));
        Assert.Equal(MemberState.Stopped, Member(optedOut: true).StateOn(Thursday));
        Assert.Equal(MemberState.Left, Member(inRoster: false).StateOn(Thursday));
    }

    [Fact]
    public void Away_on_the_step_day_gets_nothing_and_a_pending_week_is_marked_away()
    {
        var away = new AwayPeriod(Thursday, Friday);
        Assert.Equal(MemberSend.MarkAway, Member(away: away).ForStep(CycleStep.Open, Thursday));
        Assert.Equal(MemberSend.Skip, Member(EntryStatus.Answered, true, away: away).ForStep(CycleStep.Open, Thursday));
        Assert.Equal(MemberState.Away, Member(away: away).StateOn(Thursday));
        Assert.Equal(MemberState.Answered, Member(EntryStatus.Answered, true, away: away).StateOn(Thursday));

        // Away from next Monday: this week's reminder still goes.
        var nextWeek = new AwayPeriod(new DateOnly(2026, 11, 30), new DateOnly(2026, 12, 6));
        Assert.Equal(MemberSend.Form, Member(away: nextWeek).ForStep(CycleStep.Remind, Friday));
    }

    [Fact]
    public void Prompts_are_only_for_members()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Member().ForStep(CycleStep.Publish, Friday));
    }

    private static readonly DateOnly Wednesday = new(2026, 11, 25);

    [Fact]
    public void Going_away_never_removes_what_a_member_already_gave()
    {
        var untilNextFriday = new AwayPeriod(Wednesday, new DateOnly(2026, 12, 4));
        Assert.False(Member(EntryStatus.Answered, hasAnswers: true).AwayMarksWeek(untilNextFriday, W48, Wednesday));
        Assert.False(Member(EntryStatus.Quiet).AwayMarksWeek(untilNextFriday, W48, Wednesday));
        Assert.True(Member().AwayMarksWeek(untilNextFriday, W48, Wednesday));
    }

    [Fact]
    public void Away_next_week_does_not_mark_this_week_even_when_nothing_was_said()
    {
        Assert.True(AwayPeriod.TryParse("next week", Wednesday, out var nextWeek));
        Assert.False(Member().AwayMarksWeek(nextWeek, W48, Wednesday));
        Assert.True(Member().AwayMarksWeek(nextWeek, W48.Next(), Wednesday));
    }

    [Theory]
    [InlineData("next week", "2026-11-30", "2026-12-06")]
    [InlineData("this week", "2026-11-25", "2026-11-29")]
    [InlineData("for 2 weeks", "2026-11-25", "2026-12-08")]
    [InlineData("for a week", "2026-11-25", "2026-12-01")]
    [InlineData("for 3 days", "2026-11-25", "2026-11-27")]
    [InlineData("until 12 Dec", "2026-11-25", "2026-12-12")]
    [InlineData("until next week", "2026-11-25", "2026-11-30")]
    [InlineData("until Friday.", "2026-11-25", "2026-11-27")]
    public void Away_periods_read(string text, string from, string until)
    {
        Assert.True(AwayPeriod.TryParse(text, Wednesday, out var period));
        Assert.Equal(new AwayPeriod(DateOnly.Parse(from, System.Globalization.CultureInfo.InvariantCulture), DateOnly.Parse(until, System.Globalization.CultureInfo.InvariantCulture)), period);
    }

    [Theory]
    [InlineData("")]
    [InlineData("day in Leeds was great, met the ICB")]
    [InlineData("until the team lunch")]
    [InlineData("for ever")]
    [InlineData("for 0 weeks")]
    public void Anything_else_is_not_an_away_period(string text) =>
        Assert.False(AwayPeriod.TryParse(text, Wednesday, out _));

    [Fact]
    public void Ids_refuse_blank_control_and_overlong_values()
    {
        Assert.Equal("29:ada", Ada.Value);
        Assert.Equal(new UserId("29:ada"), Ada);
        Assert.Throws<ArgumentException>(() => new SquadId(" "));
        Assert.Throws<ArgumentException>(() => new UserId("29:a\u0000"));
        Assert.False(SquadId.TryCreate(new string('x', SquadId.MaxLength + 1), out _));
        Assert.True(SquadId.TryCreate("19:x", out var id));
        Assert.Equal("19:x", id.ToString());
        Assert.Equal("", default(UserId).Value);
    }
}
