namespace UpdateBot.Domain;

/// <summary>Where a squad-week stands (README, "The weekly cycle").</summary>
public enum WeekPhase
{
    /// <summary>Before the publish time and not published: members answer, prompts and reminders go out.</summary>
    Open,

    /// <summary>The publish time has passed and no lead has published yet: the draft waits on the lead's desk.</summary>
    Closed,

    /// <summary>In the channel (at the publish time, or earlier by a lead): the week is over for members.</summary>
    Published,
}

/// <summary>Where new words for a week (a form submitted, text typed in the chat) are kept.</summary>
public enum WordsDestination
{
    /// <summary>The week is open: into the member's answer for it.</summary>
    ThisWeek,

    /// <summary>The week closed but is not published: into that week's draft, where the lead reviewing it sees them.</summary>
    LeadDesk,

    /// <summary>The week is published: into the following week's answer, so nothing said late is lost.</summary>
    NextWeek,
}

/// <summary>
/// One squad's week as the rules see it: when it closes and whether it is published. Pure: the caller reads the
/// stored state and passes <c>now</c>; storage keeps its own concurrency (ETags) beside this value.
/// </summary>
public sealed record SquadWeek(SquadId Squad, IsoWeek Week, DateTimeOffset ClosesAt, bool Published)
{
    /// <summary>The week as scheduled by <paramref name="settings"/>: it closes at its publish time, or when published early.</summary>
    public static SquadWeek Of(SquadId squad, SquadSettings settings, TimeZoneInfo zone, IsoWeek week, bool published) =>
        new(squad, week, WeeklySchedule.DueAt(settings.Schedule, zone, week, CycleStep.Publish), published);

    /// <summary>Publishing early closes the week; otherwise it closes at its publish time.</summary>
    public WeekPhase PhaseAt(DateTimeOffset now) =>
        Published ? WeekPhase.Published : now < ClosesAt ? WeekPhase.Open : WeekPhase.Closed;

    /// <summary>Members may answer, go quiet or away, move and undo only while the week is open.</summary>
    public bool IsOpenAt(DateTimeOffset now) => PhaseAt(now) == WeekPhase.Open;

    /// <summary>Late words are kept: on the lead's desk until the week is published, in the next week after that.</summary>
    public WordsDestination WordsGoAt(DateTimeOffset now) => PhaseAt(now) switch
    {
        WeekPhase.Open => WordsDestination.ThisWeek,
        WeekPhase.Closed => WordsDestination.LeadDesk,
        _ => WordsDestination.NextWeek,
    };

    /// <summary>
    /// Whether a step still has anything to send: prompts and reminders stop once the week closes (at its time or by an
    /// early publish); the review desk is not sent for a week already published; the publish step always settles
    /// (publishing again is answered "already published").
    /// </summary>
    public bool StepSendsAt(CycleStep step, DateTimeOffset now) => step switch
    {
        CycleStep.Open or CycleStep.Remind => IsOpenAt(now),
        CycleStep.Compile => !Published,
        _ => true,
    };

    /// <summary>What the Compile and Publish steps send, and to whom (the fan-outs are per member: <see cref="MemberWeek.ForStep"/>).</summary>
    public LeadSend LeadSendFor(CycleStep step, bool autoPublish, DateTimeOffset now) => step switch
    {
        CycleStep.Compile when StepSendsAt(step, now) => LeadSend.ReviewDesk,
        CycleStep.Publish when autoPublish => LeadSend.ChannelPost,
        CycleStep.Publish when !Published => LeadSend.PublishReminder,
        _ => LeadSend.Nothing,
    };

    /// <summary>
    /// A review desk acts only on its own week, and only while that week is the lead's to review or correct: the
    /// current week or the one before it. An old desk card can never publish a week long gone under a new number.
    /// </summary>
    public static bool DeskAccepts(IsoWeek deskWeek, IsoWeek currentWeek) =>
        deskWeek == currentWeek || deskWeek == currentWeek.Previous();
}

/// <summary>What a step of the week sends to the leads (or the channel).</summary>
public enum LeadSend
{
    Nothing,

    /// <summary>The draft, to every lead, once.</summary>
    ReviewDesk,

    /// <summary>The weeknote, to the squad's channel, once.</summary>
    ChannelPost,

    /// <summary>One reminder with the publish button, to every lead (review required).</summary>
    PublishReminder,
}

/// <summary>How a member stands in a squad-week, all things considered.</summary>
public enum MemberState
{
    /// <summary>Nothing said yet: prompted and reminded.</summary>
    Pending,

    /// <summary>Gave an answer: may still edit it while the week is open; never reminded.</summary>
    Answered,

    /// <summary>Nothing to report this week: never reminded.</summary>
    Quiet,

    /// <summary>Away on the step's day, or marked away for the week: never prompted or reminded.</summary>
    Away,

    /// <summary>Said <c>stop</c>: never prompted or reminded until <c>start</c>.</summary>
    Stopped,

    /// <summary>No longer in the team: never prompted.</summary>
    Left,
}

/// <summary>What a prompt or reminder step does for one member.</summary>
public enum MemberSend
{
    /// <summary>Nothing for this member.</summary>
    Skip,

    /// <summary>Nothing sent; the member's week is marked away (they said so and had not answered).</summary>
    MarkAway,

    /// <summary>The answer form (prompt or reminder).</summary>
    Form,

    /// <summary>The member's answer so far, with an edit button (a prompt to someone who already answered).</summary>
    Summary,
}

/// <summary>One member in one squad-week: their entry's status and what they told us about prompts.</summary>
public sealed record MemberWeek(UserId Member, EntryStatus Status, bool HasAnswers, bool InRoster, bool OptedOut, AwayPeriod? Away)
{
    /// <summary>The member's state on a given day of the week (the day a step runs).</summary>
    public MemberState StateOn(DateOnly date) =>
        !InRoster ? MemberState.Left
        : OptedOut ? MemberState.Stopped
        : Status == EntryStatus.Away || (Status == EntryStatus.Pending && Away?.Covers(date) == true) ? MemberState.Away
        : Status == EntryStatus.Quiet ? MemberState.Quiet
        : Status == EntryStatus.Answered ? MemberState.Answered
        : MemberState.Pending;

    /// <summary>
    /// What a prompt (<see cref="CycleStep.Open"/>) or reminder (<see cref="CycleStep.Remind"/>) of an open week sends
    /// this member on <paramref name="stepDate"/>. A reminder goes only to someone who has said nothing; a member away
    /// that day gets nothing, and a pending one is marked away for the week.
    /// </summary>
    public MemberSend ForStep(CycleStep step, DateOnly stepDate)
    {
        if (step is not (CycleStep.Open or CycleStep.Remind))
        {
            throw new ArgumentOutOfRangeException(nameof(step), step, "Only prompts and reminders are sent to members.");
        }

        if (!InRoster || OptedOut)
        {
            return MemberSend.Skip;
        }

        if (Away?.Covers(stepDate) == true)
        {
            return Status == EntryStatus.Pending ? MemberSend.MarkAway : MemberSend.Skip;
        }

        return (step, Status) switch
        {
            (_, EntryStatus.Pending) => MemberSend.Form,
            (CycleStep.Remind, _) => MemberSend.Skip,
            _ => MemberSend.Summary,
        };
    }

    /// <summary>
    /// Going away never removes what a member already gave: this week is marked away only if they have said nothing
    /// in it and the time away includes some of what is left of it (from <paramref name="today"/> to its last day).
    /// </summary>
    public bool AwayMarksWeek(AwayPeriod away, IsoWeek week, DateOnly today)
    {
        var lastDay = week.DateOf(DayOfWeek.Sunday);
        var from = today > week.Monday ? today : week.Monday;
        return !HasAnswers && Status is EntryStatus.Pending or EntryStatus.Away && away.From <= lastDay && away.Until >= from;
    }
}
