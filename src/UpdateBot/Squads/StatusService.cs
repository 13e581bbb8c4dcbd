using Microsoft.Extensions.Options;
using UpdateBot.Cards;
using UpdateBot.Cycle;
using UpdateBot.Deliveries;
using UpdateBot.Domain;
using UpdateBot.Localisation;
using UpdateBot.Storage;
using UpdateBot.Teams.Cards;

namespace UpdateBot.Squads;

/// <summary>The lead's view of the week: everyone on the roster with their state, and for anyone unreachable, why and what to do.</summary>
public sealed class StatusService(MemberStore members, EntryStore entries, CycleStore cycle, TeamWelcome welcome, IOptions<CycleOptions> cycleOptions, TimeProvider time)
{
    /// <summary>
    /// The status, in as many cards as a large squad needs: the roster and the week's markers read once each, and the
    /// answers of the members it shows by point reads (so its cost follows the squad, not the size of the answers table).
    /// </summary>
    /// <param name="texts">The lead's language (the stored reasons Teams gave, and names, stay as they are).</param>
    public async Task<IReadOnlyList<AdaptiveCard>> StatusCardsAsync(Squad squad, IsoWeek week, CancellationToken cancellationToken, Texts? texts = null)
    {
        var t = texts ?? Texts.English;
        var everyone = await members.ListAsync(squad.Id, cancellationToken);
        var roster = Shown(squad, week, everyone);
        var markers = await cycle.LoadWeekAsync(squad.Id, week, cancellationToken);

        // Only those on the roster who did not opt out show what they answered (Describe).
        var answered = await entries.GetManyAsync(squad.Id, week, roster.Where(m => m.InRoster && !m.OptedOut).Select(m => m.UserId), cancellationToken);
        var statuses = Statuses(squad, week, roster, answered, markers, t);
        var messages = MessageStatuses(squad, week, everyone, markers, t);
        messages.AddRange(await WelcomeStatusesAsync(squad, t, cancellationToken));
        var (stepLine, stopped) = Steps(squad, week, markers, t);
        return StatusCards.Status(squad.Settings.Name, week, [.. statuses, .. messages, .. stopped, .. OpenQuestions(squad, markers, t)], stepLine, texts: t);
    }

    /// <summary>
    /// Readers' questions asked this week that wait for their answer: who asked whom, about which item, and whether it
    /// reached the author; then answers whose reply in the thread is unconfirmed. Never the question itself: nobody but
    /// the author sees it before it is answered.
    /// </summary>
    private static IEnumerable<MemberWeekStatus> OpenQuestions(Squad squad, WeekMarkers markers, Texts t)
    {
        var sends = markers.Intents.Where(p => p.Intent.Kind == IntentKind.Question).ToDictionary(p => p.Intent.Topic ?? "", p => p.Marker, StringComparer.Ordinal);
        foreach (var question in markers.Questions.Where(q => !q.IsAnswered).OrderBy(q => q.AskedAt))
        {
            var about = question.ItemText.Length <= 80 ? question.ItemText : question.ItemText[..80] + "…";
            var delivery = sends.GetValueOrDefault(question.Id) switch
            {
                { State: MarkerStates.Sent } => t.Format("Status.Question.Waiting", question.AuthorName),
                { State: MarkerStates.Unreachable } marker => t.Format("Status.Question.Unreachable", question.AuthorName, Why(marker, t)),
                { State: MarkerStates.Unconfirmed } => t.Format("Status.Question.Unconfirmed", question.AuthorName),
                _ => t.Format("Status.Question.NotYet", question.AuthorName),
            };
            yield return new MemberWeekStatus(t.Format("Status.Question.Who", question.AskerName, question.AuthorName), "Questions",
                t.Format("Status.Question.About", about, question.Week, PromptCards.FormatLocal(question.AskedAt, squad.TimeZone, t), delivery), null);
        }

        // An answer whose reply in the thread Teams did not confirm: the lead is the one who can send it again.
        var replies = markers.Intents.Where(p => p.Intent.Kind == IntentKind.QuestionAnswer).ToDictionary(p => p.Intent.Topic ?? "", p => p.Marker, StringComparer.Ordinal);
        foreach (var question in markers.Questions.Where(q => q.IsAnswered && replies.GetValueOrDefault(q.Id)?.State == MarkerStates.Unconfirmed).OrderBy(q => q.AskedAt))
        {
            yield return new MemberWeekStatus(t.Format("Status.Question.Who", question.AskerName, question.AuthorName), "Questions",
                t.Format("Status.Answer.Unconfirmed", question.AuthorName, question.Week), t["Status.Answer.LookInThread"]);
        }
    }

    /// <summary>
    /// Everything else the bot sent this week that did not simply go out (review desks, publish reminders, the channel
    /// post and its parts, notices to leads): unconfirmed, unreachable, or waiting for a retry, and for how long.
    /// </summary>
    private List<MemberWeekStatus> MessageStatuses(Squad squad, IsoWeek week, IReadOnlyList<Member> members, WeekMarkers markers, Texts t)
    {
        var roster = members.ToDictionary(m => m.UserId, m => m.Name, StringComparer.Ordinal);
        var statuses = new List<MemberWeekStatus>();
        // Questions and their answers are shown with the questions (OpenQuestions), never by their words here.
        foreach (var (intent, marker) in markers.Unsettled().Where(p => p.Intent.Kind is not IntentKind.Prompt and not IntentKind.Reminder and not IntentKind.Question and not IntentKind.QuestionAnswer))
        {
            var (what, step) = Describe(intent, roster, t);
            var state = marker.State switch
            {
                MarkerStates.Unconfirmed => (t["Status.Unconfirmed"], t["Status.LookForIt"]),
                MarkerStates.Unreachable => (t["Status.NotDelivered"], t["Status.Refused"]),
                MarkerStates.Sending => (t["Status.Sending"], (string?)null),
                _ when PastCatchUp(squad, week, step) => (t["Status.NotDelivered"], t[step == CycleStep.Publish ? "Status.PastCatchUp.Publish" : "Status.PastCatchUp"]),
                _ => (t["Status.NotDelivered"], t["Status.Retrying"]),
            };
            statuses.Add(new MemberWeekStatus(what, "Messages", $"{state.Item1}: {Why(marker, t)}", state.Item2));
        }

        if (markers.PostShowsEarlierDraft)
        {
            statuses.Add(new MemberWeekStatus(t["Status.ChannelPost"], "Messages", t["Status.EarlierVersion"], t["Status.PublishInPlace"]));
        }

        return statuses;
    }

    /// <summary>The team welcome and its setup card, when they did not simply go out.</summary>
    private async Task<List<MemberWeekStatus>> WelcomeStatusesAsync(Squad squad, Texts t, CancellationToken cancellationToken)
    {
        var statuses = new List<MemberWeekStatus>();
        foreach (var (what, marker) in await welcome.UnsettledAsync(squad, cancellationToken))
        {
            var state = marker.State switch
            {
                MarkerStates.Unconfirmed => (t["Status.Unconfirmed"], t["Status.LookInChannel"]),
                MarkerStates.Unreachable => (t["Status.NotDelivered"], t["Status.Refused"]),
                MarkerStates.Sending => (t["Status.Sending"], (string?)null),
                _ when welcome.StillRetried(squad) => (t["Status.NotDelivered"], t["Status.Retrying"]),
                _ => (t["Status.NotDelivered"], t["Status.Welcome.NotRetried"]),
            };
            statuses.Add(new MemberWeekStatus(t[what], "Messages", $"{state.Item1}: {Why(marker, t)}", state.Item2));
        }

        return statuses;
    }

    private static (string What, CycleStep Step) Describe(SendIntent intent, IReadOnlyDictionary<string, string> names, Texts t)
    {
        var name = intent.Recipient is { } id ? names.GetValueOrDefault(id, id) : "";
        return intent.Kind switch
        {
            IntentKind.ChannelPost when intent.Part == 0 => (t["Status.ChannelPost"], CycleStep.Publish),
            IntentKind.ChannelPost => (t.Format("Status.ChannelPostPart", intent.Part.ToString(System.Globalization.CultureInfo.InvariantCulture)), CycleStep.Publish),
            IntentKind.ReviewDesk => (t.Format("Status.ReviewDeskTo", name), CycleStep.Compile),
            IntentKind.PublishReminder => (t.Format("Status.PublishReminderTo", name), CycleStep.Publish),
            _ => (t.Format("Status.NoticeTo", name), CycleStep.Publish),
        };
    }

    private bool PastCatchUp(Squad squad, IsoWeek week, CycleStep step) =>
        time.GetUtcNow() - WeeklySchedule.BecameDueAt(new DueStep(week, step, WeeklySchedule.DueAt(squad.Settings.Schedule, squad.TimeZone, week, step)), squad.TimeZone, squad.ScheduleChangedAt)
            > cycleOptions.Value.CatchUpWindow;

    /// <summary>People who left more than one cycle ago are no longer news: only leavers of this week or the one before show.</summary>
    private static List<Member> Shown(Squad squad, IsoWeek week, IReadOnlyList<Member> members)
    {
        var shownSince = new DateTimeOffset(week.Previous().Monday.ToDateTime(TimeOnly.MinValue), squad.TimeZone.GetUtcOffset(week.Previous().Monday.ToDateTime(TimeOnly.MinValue)));
        return members.Where(m => m.InRoster || m.LeftAt is not { } left || left >= shownSince).ToList();
    }

    private List<MemberWeekStatus> Statuses(Squad squad, IsoWeek week, IReadOnlyList<Member> roster, IReadOnlyList<StoredEntry> stored, WeekMarkers markers, Texts t)
    {
        var weekEntries = stored.ToDictionary(e => e.Entry.MemberId, StringComparer.Ordinal);
        var prompts = markers.Sends(IntentKind.Prompt);
        var reminders = markers.Sends(IntentKind.Reminder);
        return roster.Select(m => Describe(squad, week, m, weekEntries.GetValueOrDefault(m.UserId)?.Entry, prompts.GetValueOrDefault(m.UserId), reminders.GetValueOrDefault(m.UserId), t)).ToList();
    }

    private MemberWeekStatus Describe(Squad squad, IsoWeek week, Member member, Entry? entry, MarkerRow? prompt, MarkerRow? reminder, Texts t)
    {
        if (!member.InRoster)
        {
            return new MemberWeekStatus(member.Name, "Left the team", t.Reason(member.ReachDetailCode, member.ReachDetail), null);
        }

        if (member.OptedOut)
        {
            return new MemberWeekStatus(member.Name, "Opted out", t["Status.SaidStop"], t["Status.CanStart"]);
        }

        switch (entry?.Status)
        {
            case EntryStatus.Answered:
                return new MemberWeekStatus(member.Name, "Answered", null, null);
            case EntryStatus.Quiet:
                return new MemberWeekStatus(member.Name, "Quiet", t["Status.QuietWeek"], null);
            case EntryStatus.Away:
                return new MemberWeekStatus(member.Name, "Away", member.AwayUntil is { } until ? t.Format("Status.Until", t.Language == Language.English ? $"{until:d MMM}" : until.ToString("d MMM", t.DateCulture)) : null, null);
        }

        var last = reminder ?? prompt;
        if (last?.State == MarkerStates.Unconfirmed)
        {
            return new MemberWeekStatus(member.Name, "Pending", Why(last, t) ?? t["Status.RestartInterrupted"],
                t["Status.AskThem"]);
        }

        if (member.Reach is not ReachStatus.Reachable and not ReachStatus.Away and not ReachStatus.OptedOut || last?.State is MarkerStates.Unreachable or MarkerStates.Retry)
        {
            // A retry only happens while its step is inside the catch-up window; after that, saying so would be untrue.
            var step = reminder is not null ? CycleStep.Remind : CycleStep.Open;
            var whatToDo = last?.State == MarkerStates.Retry && PastCatchUp(squad, week, step)
                ? t.Format("Status.PastCatchUp.Step", Turns.Commands.Word(step == CycleStep.Open ? Turns.CommandKind.PromptNow : Turns.CommandKind.RemindNow, t.Language))
                : WhatToDo(member.Reach, t);
            return new MemberWeekStatus(member.Name, "Unreachable", Why(last, t) ?? t.Reason(member.ReachDetailCode, member.ReachDetail), whatToDo);
        }

        var when = last is { State: MarkerStates.Sent } ? t.Format(reminder is not null ? "Status.Reminded" : "Status.Prompted", PromptCards.FormatLocal(last.UpdatedAt, squad.TimeZone, t)) : t["Status.NotPrompted"];
        return new MemberWeekStatus(member.Name, "Pending", when, null);
    }

    /// <summary>Why a send did not go out, in the lead's language when its reason was stored with a code (docs/localisation.md).</summary>
    private static string? Why(MarkerRow? marker, Texts t) => marker is null ? null : t.Reason(marker.DetailCode, marker.Detail);

    private static string? WhatToDo(ReachStatus reach, Texts t) => reach switch
    {
        ReachStatus.NotInstalled => t["Status.NotInstalled"],
        ReachStatus.BlockedBot => t["Status.Blocked"],
        ReachStatus.Throttled or ReachStatus.Failed => t["Status.Retrying"],
        _ => null,
    };

    /// <summary>
    /// The next step to run, and every step whose work item failed so often that it went to the poison queue: it is not
    /// retried automatically, so the leads see what failed and what to say to run it.
    /// </summary>
    private (string Line, IReadOnlyList<MemberWeekStatus> Stopped) Steps(Squad squad, IsoWeek week, WeekMarkers markers, Texts t)
    {
        var now = time.GetUtcNow();
        string? line = null;
        var stopped = new List<MemberWeekStatus>();
        foreach (var step in WeeklySchedule.Steps)
        {
            var marker = markers.Step(step);
            var label = t["Status.Step." + step].ToLowerInvariant();
            if (marker?.State == MarkerStates.Stopped)
            {
                stopped.Add(new MemberWeekStatus(t.Format("Status.WeeklyStep", label), "Messages", Why(marker, t), t["Status.RunByHand." + step]));
                line ??= t.Format("Status.Line.Stopped", label);
            }
            else if (marker is { State: MarkerStates.Due, NotBefore: { } later } && later > now && line is null)
            {
                // Sent to those whose own time has come; the rest get it at theirs (README, "Each member's own time").
                line = t.Format("Status.Line.OtherClock", label, PromptCards.FormatLocal(later, squad.TimeZone, t));
            }
            else if (marker?.State != MarkerStates.Done && line is null)
            {
                var due = WeeklySchedule.DueAt(squad.Settings.Schedule, squad.TimeZone, week, step);
                line = due > now ? t.Format("Status.Line.Next", label, PromptCards.FormatLocal(due, squad.TimeZone, t)) : t.Format("Status.Line.Due", label);
            }
        }

        return (line ?? t["Status.Line.AllDone"], stopped);
    }
}
