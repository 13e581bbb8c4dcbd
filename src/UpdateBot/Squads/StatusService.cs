using Microsoft.Extensions.Options;
using UpdateBot.Cards;
using UpdateBot.Cycle;
using UpdateBot.Domain;
using UpdateBot.Storage;
using UpdateBot.Teams.Cards;

namespace UpdateBot.Squads;

/// <summary>The lead's view of the week: everyone on the roster with their state, and for anyone unreachable, why and what to do.</summary>
public sealed class StatusService(MemberStore members, EntryStore entries, CycleStore cycle, IOptions<CycleOptions> cycleOptions, TimeProvider time)
{
    public async Task<AdaptiveCard> StatusCardAsync(Squad squad, IsoWeek week, CancellationToken cancellationToken)
    {
        var statuses = await StatusesAsync(squad, week, cancellationToken);
        var post = await cycle.GetMarkerAsync(squad.Id, week, CycleStore.PostKey, cancellationToken);
        var stepLine = await StepLineAsync(squad, week, cancellationToken) + PostLine(post);
        return StatusCards.Status(squad.Settings.Name, week, statuses, stepLine);
    }

    /// <summary>The channel post, when it did not simply go out: unconfirmed, refused, or waiting for a retry.</summary>
    private static string PostLine(MarkerRow? post) => post?.State switch
    {
        MarkerStates.Unconfirmed => $" · channel post unconfirmed ({post.Detail}): look in the channel, and say send again if it is not there",
        MarkerStates.Unreachable => $" · channel post refused: {post.Detail}",
        MarkerStates.Retry => $" · channel post not posted yet: {post.Detail}",
        _ => "",
    };

    public async Task<IReadOnlyList<MemberWeekStatus>> StatusesAsync(Squad squad, IsoWeek week, CancellationToken cancellationToken)
    {
        var roster = await members.ListAsync(squad.Id, cancellationToken);
        var weekEntries = (await entries.ListAsync(squad.Id, week, cancellationToken)).ToDictionary(e => e.Entry.MemberId, StringComparer.Ordinal);
        var prompts = await cycle.ListSendsAsync(squad.Id, week, "prompt", cancellationToken);
        var reminders = await cycle.ListSendsAsync(squad.Id, week, "remind", cancellationToken);
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
            var windowClosed = time.GetUtcNow() - WeeklySchedule.DueAt(squad.Settings.Schedule, squad.TimeZone, week, step) > cycleOptions.Value.CatchUpWindow;
            var whatToDo = last?.State == MarkerStates.Retry && windowClosed
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

    private async Task<string> StepLineAsync(Squad squad, IsoWeek week, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        foreach (var step in WeeklySchedule.Steps)
        {
            if (!await cycle.IsStepDoneAsync(squad.Id, week, step, cancellationToken))
            {
                var due = WeeklySchedule.DueAt(squad.Settings.Schedule, squad.TimeZone, week, step);
                var label = SetupCards.StepLabel(step).ToLowerInvariant();
                return due > now ? $"next: {label} {PromptCards.FormatLocal(due, squad.TimeZone)}" : $"next: {label} (due, running shortly)";
            }
        }

        return "all steps done for this week";
    }
}
