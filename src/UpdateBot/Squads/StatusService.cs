using Microsoft.Extensions.Options;
using UpdateBot.Cards;
using UpdateBot.Cycle;
using UpdateBot.Deliveries;
using UpdateBot.Domain;
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
    public async Task<IReadOnlyList<AdaptiveCard>> StatusCardsAsync(Squad squad, IsoWeek week, CancellationToken cancellationToken)
    {
        var everyone = await members.ListAsync(squad.Id, cancellationToken);
        var roster = Shown(squad, week, everyone);
        var markers = await cycle.LoadWeekAsync(squad.Id, week, cancellationToken);

        // Only those on the roster who did not opt out show what they answered (Describe).
        var answered = await entries.GetManyAsync(squad.Id, week, roster.Where(m => m.InRoster && !m.OptedOut).Select(m => m.UserId), cancellationToken);
        var statuses = Statuses(squad, week, roster, answered, markers);
        var messages = MessageStatuses(squad, week, everyone, markers);
        messages.AddRange(await WelcomeStatusesAsync(squad, cancellationToken));
        var (stepLine, stopped) = Steps(squad, week, markers);
        return StatusCards.Status(squad.Settings.Name, week, [.. statuses, .. messages, .. stopped, .. OpenQuestions(squad, markers)], stepLine);
    }

    /// <summary>
    /// Readers' questions asked this week that wait for their answer: who asked whom, about which item, and whether it
    /// reached the author; then answers whose reply in the thread is unconfirmed. Never the question itself: nobody but
    /// the author sees it before it is answered.
    /// </summary>
    private static IEnumerable<MemberWeekStatus> OpenQuestions(Squad squad, WeekMarkers markers)
    {
        var sends = markers.Intents.Where(p => p.Intent.Kind == IntentKind.Question).ToDictionary(p => p.Intent.Topic ?? "", p => p.Marker, StringComparer.Ordinal);
        foreach (var question in markers.Questions.Where(q => !q.IsAnswered).OrderBy(q => q.AskedAt))
        {
            var about = question.ItemText.Length <= 80 ? question.ItemText : question.ItemText[..80] + "…";
            var delivery = sends.GetValueOrDefault(question.Id) switch
            {
                { State: MarkerStates.Sent } => $"waiting for {question.AuthorName}'s answer.",
                { State: MarkerStates.Unreachable } marker => $"it could not reach {question.AuthorName}: {marker.Detail}",
                { State: MarkerStates.Unconfirmed } => $"Teams did not confirm it reached {question.AuthorName}.",
                _ => $"not delivered to {question.AuthorName} yet.",
            };
            yield return new MemberWeekStatus($"{question.AskerName} asked {question.AuthorName}", "Questions",
                $"About \"{about}\" ({question.Week}), asked {PromptCards.FormatLocal(question.AskedAt, squad.TimeZone)}; {delivery}", null);
        }

        // An answer whose reply in the thread Teams did not confirm: the lead is the one who can send it again.
        var replies = markers.Intents.Where(p => p.Intent.Kind == IntentKind.QuestionAnswer).ToDictionary(p => p.Intent.Topic ?? "", p => p.Marker, StringComparer.Ordinal);
        foreach (var question in markers.Questions.Where(q => q.IsAnswered && replies.GetValueOrDefault(q.Id)?.State == MarkerStates.Unconfirmed).OrderBy(q => q.AskedAt))
        {
            yield return new MemberWeekStatus($"{question.AskerName} asked {question.AuthorName}", "Questions",
                $"Teams did not confirm {question.AuthorName}'s answer reached the weeknote's thread ({question.Week}).", "Look in the thread; say send again to post it once more.");
        }
    }

    /// <summary>
    /// Everything else the bot sent this week that did not simply go out (review desks, publish reminders, the channel
    /// post and its parts, notices to leads): unconfirmed, unreachable, or waiting for a retry, and for how long.
    /// </summary>
    private List<MemberWeekStatus> MessageStatuses(Squad squad, IsoWeek week, IReadOnlyList<Member> members, WeekMarkers markers)
    {
        var roster = members.ToDictionary(m => m.UserId, m => m.Name, StringComparer.Ordinal);
        var statuses = new List<MemberWeekStatus>();
        // Questions and their answers are shown with the questions (OpenQuestions), never by their words here.
        foreach (var (intent, marker) in markers.Unsettled().Where(p => p.Intent.Kind is not IntentKind.Prompt and not IntentKind.Reminder and not IntentKind.Question and not IntentKind.QuestionAnswer))
        {
            var (what, step) = Describe(intent, roster);
            var state = marker.State switch
            {
                MarkerStates.Unconfirmed => ("Unconfirmed", "Look for it; say send again to send it once more."),
                MarkerStates.Unreachable => ("Not delivered", "Teams refused it; see the reason."),
                MarkerStates.Sending => ("Sending", (string?)null),
                _ when PastCatchUp(squad, week, step) => ("Not delivered", $"Not retried any more: the catch-up window has passed.{(step == CycleStep.Publish ? " Say publish to try again." : "")}"),
                _ => ("Not delivered", "Retrying automatically."),
            };
            statuses.Add(new MemberWeekStatus(what, "Messages", $"{state.Item1}: {marker.Detail}", state.Item2));
        }

        if (markers.PostShowsEarlierDraft)
        {
            statuses.Add(new MemberWeekStatus("Channel post", "Messages", "Shows an earlier version of the draft: the last correction did not reach Teams.", "Say publish to update it in place."));
        }

        return statuses;
    }

    /// <summary>The team welcome and its setup card, when they did not simply go out.</summary>
    private async Task<List<MemberWeekStatus>> WelcomeStatusesAsync(Squad squad, CancellationToken cancellationToken)
    {
        var statuses = new List<MemberWeekStatus>();
        foreach (var (what, marker) in await welcome.UnsettledAsync(squad, cancellationToken))
        {
            var state = marker.State switch
            {
                MarkerStates.Unconfirmed => ("Unconfirmed", "Look in the channel; say send again to post it once more."),
                MarkerStates.Unreachable => ("Not delivered", "Teams refused it; see the reason."),
                MarkerStates.Sending => ("Sending", (string?)null),
                _ when welcome.StillRetried(squad) => ("Not delivered", "Retrying automatically."),
                _ => ("Not delivered", "Not retried any more (the squad is set up, or the catch-up window has passed). Say send again to post it."),
            };
            statuses.Add(new MemberWeekStatus(what, "Messages", $"{state.Item1}: {marker.Detail}", state.Item2));
        }

        return statuses;
    }

    private static (string What, CycleStep Step) Describe(SendIntent intent, IReadOnlyDictionary<string, string> names)
    {
        var name = intent.Recipient is { } id ? names.GetValueOrDefault(id, id) : "";
        return intent.Kind switch
        {
            IntentKind.ChannelPost when intent.Part == 0 => ("Channel post", CycleStep.Publish),
            IntentKind.ChannelPost => ($"Channel post, part {intent.Part.ToString(System.Globalization.CultureInfo.InvariantCulture)}", CycleStep.Publish),
            IntentKind.ReviewDesk => ($"Review desk to {name}", CycleStep.Compile),
            IntentKind.PublishReminder => ($"Publish reminder to {name}", CycleStep.Publish),
            _ => ($"Notice to {name}", CycleStep.Publish),
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

    private List<MemberWeekStatus> Statuses(Squad squad, IsoWeek week, IReadOnlyList<Member> roster, IReadOnlyList<StoredEntry> stored, WeekMarkers markers)
    {
        var weekEntries = stored.ToDictionary(e => e.Entry.MemberId, StringComparer.Ordinal);
        var prompts = markers.Sends(IntentKind.Prompt);
        var reminders = markers.Sends(IntentKind.Reminder);
        return roster.Select(m => Describe(squad, week, m, weekEntries.GetValueOrDefault(m.UserId)?.Entry, prompts.GetValueOrDefault(m.UserId), reminders.GetValueOrDefault(m.UserId))).ToList();
    }

    private MemberWeekStatus Describe(Squad squad, IsoWeek week, Member member, Entry? entry, MarkerRow? prompt, MarkerRow? reminder)
    {
        if (!member.InRoster)
        {
            return new MemberWeekStatus(member.Name, "Left the team", member.ReachDetail, null);
        }

        if (member.OptedOut)
        {
            return new MemberWeekStatus(member.Name, "Opted out", "Said stop.", "They can say start to rejoin.");
        }

        switch (entry?.Status)
        {
            case EntryStatus.Answered:
                return new MemberWeekStatus(member.Name, "Answered", null, null);
            case EntryStatus.Quiet:
                return new MemberWeekStatus(member.Name, "Quiet", "Quiet week.", null);
            case EntryStatus.Away:
                return new MemberWeekStatus(member.Name, "Away", member.AwayUntil is { } until ? $"Until {until:d MMM}." : null, null);
        }

        var last = reminder ?? prompt;
        if (last?.State == MarkerStates.Unconfirmed)
        {
            return new MemberWeekStatus(member.Name, "Pending", last.Detail ?? "Delivery unconfirmed: a restart interrupted the send.",
                "Ask them whether they got it, or say send again.");
        }

        if (member.Reach is not ReachStatus.Reachable and not ReachStatus.Away and not ReachStatus.OptedOut || last?.State is MarkerStates.Unreachable or MarkerStates.Retry)
        {
            // A retry only happens while its step is inside the catch-up window; after that, saying so would be untrue.
            var step = reminder is not null ? CycleStep.Remind : CycleStep.Open;
            var whatToDo = last?.State == MarkerStates.Retry && PastCatchUp(squad, week, step)
                ? $"Not retried any more: the catch-up window has passed. Say {(step == CycleStep.Open ? "prompt now" : "remind now")} to try again."
                : WhatToDo(member.Reach);
            return new MemberWeekStatus(member.Name, "Unreachable", last?.Detail ?? member.ReachDetail, whatToDo);
        }

        var when = last is { State: MarkerStates.Sent } ? $"{(reminder is not null ? "Reminded" : "Prompted")} {PromptCards.FormatLocal(last.UpdatedAt, squad.TimeZone)}." : "Not prompted yet.";
        return new MemberWeekStatus(member.Name, "Pending", when, null);
    }

    private static string? WhatToDo(ReachStatus reach) => reach switch
    {
        ReachStatus.NotInstalled => "Ask them to open UpdateBot in Teams once, or ask a Teams admin to install it for them (app setup policies).",
        ReachStatus.BlockedBot => "Ask them to unblock UpdateBot in their chat list.",
        ReachStatus.Throttled or ReachStatus.Failed => "Retrying automatically.",
        _ => null,
    };

    /// <summary>
    /// The next step to run, and every step whose work item failed so often that it went to the poison queue: it is not
    /// retried automatically, so the leads see what failed and what to say to run it.
    /// </summary>
    private (string Line, IReadOnlyList<MemberWeekStatus> Stopped) Steps(Squad squad, IsoWeek week, WeekMarkers markers)
    {
        var now = time.GetUtcNow();
        string? line = null;
        var stopped = new List<MemberWeekStatus>();
        foreach (var step in WeeklySchedule.Steps)
        {
            var marker = markers.Step(step);
            var label = SetupCards.StepLabel(step).ToLowerInvariant();
            if (marker?.State == MarkerStates.Stopped)
            {
                stopped.Add(new MemberWeekStatus($"Weekly step: {label}", "Messages", marker.Detail, RunByHand(step)));
                line ??= $"stopped: {label} (see below)";
            }
            else if (marker is { State: MarkerStates.Due, NotBefore: { } later } && later > now && line is null)
            {
                // Sent to those whose own time has come; the rest get it at theirs (README, "Each member's own time").
                line = $"next: {label} for members on another clock {PromptCards.FormatLocal(later, squad.TimeZone)}";
            }
            else if (marker?.State != MarkerStates.Done && line is null)
            {
                var due = WeeklySchedule.DueAt(squad.Settings.Schedule, squad.TimeZone, week, step);
                line = due > now ? $"next: {label} {PromptCards.FormatLocal(due, squad.TimeZone)}" : $"next: {label} (due, running shortly)";
            }
        }

        return (line ?? "all steps done for this week", stopped);
    }

    private static string RunByHand(CycleStep step) => step switch
    {
        CycleStep.Open => "Say prompt now to run it.",
        CycleStep.Remind => "Say remind now to run it.",
        CycleStep.Compile => "Say preview to review the draft here.",
        _ => "Say publish to post the weeknote.",
    };
}
