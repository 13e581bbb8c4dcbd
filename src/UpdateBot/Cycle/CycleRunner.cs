using System.Collections.Concurrent;
using UpdateBot.Answers;
using UpdateBot.Cards;
using UpdateBot.Deliveries;
using UpdateBot.Digests;
using UpdateBot.Domain;
using UpdateBot.Hosting;
using UpdateBot.Localisation;
using UpdateBot.Messaging;
using UpdateBot.Storage;
using UpdateBot.Teams.Connector;

namespace UpdateBot.Cycle;

/// <summary>
/// What running a step did. <see cref="Complete"/> is false while some sends wait to be retried, or while some members'
/// own time for it is still to come (<see cref="Later"/>; the step is due again at <see cref="NotBefore"/>).
/// </summary>
public sealed record StepReport(CycleStep Step, bool Complete, int Sent, int AlreadyDone, int Unreachable, int Retrying, int Skipped, string? Note = null)
{
    /// <summary>Members whose own time for this prompt or reminder has not come yet.</summary>
    public int Later { get; init; }

    /// <summary>When the step should run again for them (null: as soon as possible, or never).</summary>
    public DateTimeOffset? NotBefore { get; init; }

    /// <summary>A note of a prompt or reminder step, as a string key and its values: said in the lead's language.</summary>
    public (string Key, object?[] Args)? NoteText { get; init; }

    /// <summary>As stored in a step's marker (English, as the delivery engine's reasons are).</summary>
    public string Describe() => Describe(Texts.English);

    /// <summary>What a lead is told in <paramref name="t"/>'s language (<c>prompt now</c>, <c>remind now</c>).</summary>
    public string Describe(Texts t) => Step switch
    {
        CycleStep.Open or CycleStep.Remind =>
            string.Join(", ", new[]
            {
                t.Format("Step.Sent", Sent),
                AlreadyDone > 0 ? t.Format("Step.AlreadyHad", AlreadyDone) : null,
                Skipped > 0 ? t.Format("Step.Skipped", Skipped) : null,
                Unreachable > 0 ? t.Format("Step.Unreachable", Unreachable) : null,
                Retrying > 0 ? t.Format("Step.Retrying", Retrying) : null,
                Later > 0 ? t.Format("Step.Later", Later) : null,
            }.OfType<string>())
            + (NoteText is { } note ? ". " + t.Format(note.Key, note.Args) : Note is null ? "" : $". {Note}"),
        _ => Note ?? (Complete ? "done" : "to retry"),
    };

    public override string ToString() => Describe();
}

/// <summary>
/// Runs one step of one squad-week. Safe to run again at any time: per-member markers make every send happen at most
/// once, so a restart mid-fan-out picks up exactly where it stopped (README, "What it promises, exactly").
/// </summary>
public sealed partial class CycleRunner(
    ConnectorClient connector,
    MemberStore members,
    SquadStore squads,
    EntryStore entries,
    CycleStore cycle,
    Messenger messenger,
    DeliveryEngine delivery,
    AnswerService answers,
    DigestService digests,
    BotMetrics metrics,
    TimeProvider time,
    ILogger<CycleRunner> logger,
    UpdateBot.Squads.LeadRights leadRights,
    UpdateBot.Questions.QuestionService questions)
{
    /// <summary>Sends in flight at once during a fan-out; the connector's rate limiter keeps us inside Teams' limits.</summary>
    private const int FanOutParallelism = 8;

    /// <param name="now">
    /// A lead's <c>prompt now</c> / <c>remind now</c>: every member is sent it at once, whatever their own clock says.
    /// Otherwise (the schedule) each member gets it at their own time (<see cref="MemberSchedule.DueAt"/>).
    /// </param>
    public async Task<StepReport> RunAsync(Squad squad, IsoWeek week, CycleStep step, CancellationToken cancellationToken, bool now = false)
    {
        var report = step switch
        {
            CycleStep.Open => await FanOutAsync(squad, week, reminder: false, cancellationToken, now),
            CycleStep.Remind => await FanOutAsync(squad, week, reminder: true, cancellationToken, now),
            CycleStep.Compile => await CompileAsync(squad, week, cancellationToken),
            CycleStep.Publish => await PublishAsync(squad, week, cancellationToken),
            _ => throw new ArgumentOutOfRangeException(nameof(step)),
        };
        if (report.Complete)
        {
            await cycle.MarkStepDoneAsync(squad.Id, week, step, report.Describe(), cancellationToken);
        }

        LogStep(logger, squad.Id, week, step, report);
        return report;
    }

    /// <summary>Re-reads the roster from the team (every page), so joiners are prompted and leavers shown as such.</summary>
    public async Task<bool> SyncRosterAsync(Squad squad, CancellationToken cancellationToken)
    {
        // Nobody waits for the roster (even "prompt now" waits for the prompts, not the read): behind every turn's replies.
        using var background = ConnectorTraffic.Use(ConnectorPriority.Background);
        var roster = await connector.GetAllMembersAsync(squad.ServiceUrl, squad.Id, cancellationToken);
        if (!roster.IsSuccess || roster.Value is null)
        {
            LogRosterFailed(logger, squad.Id, roster.Outcome, roster.StatusCode);
            return false;
        }

        var people = roster.Value
            .Where(m => m.Id is not null && !m.Id.StartsWith("28:", StringComparison.Ordinal))
            .Select(m => new RosterEntry(m.Id!, m.Name ?? m.GivenName ?? "A member", m.EntraObjectId, m.Email ?? m.UserPrincipalName, m.UserRole))
            .ToList();
        await members.SyncRosterAsync(squad.Id, people, cancellationToken);
        await leadRights.DropLeadsWhoLeftAsync(squad, people, cancellationToken);
        return true;
    }

    private async Task<StepReport> FanOutAsync(Squad squad, IsoWeek week, bool reminder, CancellationToken cancellationToken, bool everyoneNow = false)
    {
        var step = reminder ? CycleStep.Remind : CycleStep.Open;
        var published = await digests.IsPublishedAsync(squad, week, cancellationToken);
        if (!squad.Week(week, published).StepSendsAt(step, time.GetUtcNow()))
        {
            // The week closed (at its time, or published early): its remaining prompts and reminders never go out.
            return new StepReport(step, true, 0, 0, 0, 0, 0) { NoteText = (published ? "Step.WeekPublished" : "Step.WeekClosed", [week]) };
        }

        var rosterFresh = await SyncRosterAsync(squad, cancellationToken);
        var roster = (await members.ListAsync(squad.Id, cancellationToken)).Where(m => m.InRoster).ToList();

        // The scheduler's list of member zones follows the roster (a zone nobody has any more stops waking the step).
        await squads.SetMemberTimeZonesAsync(squad.Id, UpdateBot.Squads.MemberTimeZones.OfRoster(roster), cancellationToken);
        var now = time.GetUtcNow();
        var later = new ConcurrentBag<DateTimeOffset>();
        var weekEntries = (await entries.ListAsync(squad.Id, week, cancellationToken)).ToDictionary(e => e.Entry.MemberId, StringComparer.Ordinal);
        var openDate = week.DateOf(squad.Settings.Schedule.For(step).Day);
        var closesAt = WeekWindow.ClosesAt(squad, week);
        var counts = new ConcurrentDictionary<string, int>();

        await Parallel.ForEachAsync(roster, new ParallelOptions { MaxDegreeOfParallelism = FanOutParallelism, CancellationToken = cancellationToken }, async (member, ct) =>
        {
            weekEntries.TryGetValue(member.UserId, out var stored);
            var due = MemberSchedule.DueAt(squad.Settings.Schedule, squad.TimeZone, member.TimeZone, week, step);
            if (!everyoneNow && due > now)
            {
                // Their own clock has not reached the squad's hour yet: the step comes back for them then.
                later.Add(due.Value);
                counts.AddOrUpdate("later", 1, (_, n) => n + 1);
                return;
            }

            if (!everyoneNow && due is null)
            {
                // A reminder held back to the compile time with the member's prompt: it would follow the prompt at once.
                counts.AddOrUpdate("skipped", 1, (_, n) => n + 1);
                return;
            }

            string outcome;
            try
            {
                outcome = await SendOneAsync(squad, week, member, stored, reminder, openDate, closesAt, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // One member's storage blip must not cancel everyone else's send; the delivery engine has already put
                // this member's intent back (or left it to be judged unconfirmed), and the step stays due.
                LogMemberSendFailed(logger, squad.Id, week, e);
                outcome = "retry";
            }

            counts.AddOrUpdate(outcome, 1, (_, n) => n + 1);
        });

        int Count(string key) => counts.GetValueOrDefault(key);
        (string, object?[])? note = rosterFresh ? null : ("Step.RosterStale", []);
        var settled = Count("retry") == 0 && Count("inflight") == 0 && (rosterFresh || roster.Count > 0);
        return new StepReport(step, settled && later.IsEmpty, Count("sent"), Count("done"), Count("unreachable"), Count("retry"), Count("skipped"))
        {
            NoteText = note,
            Later = Count("later"),
            NotBefore = settled && !later.IsEmpty ? later.Min() : null,
        };
    }

    private async Task<string> SendOneAsync(Squad squad, IsoWeek week, Member member, StoredEntry? stored, bool reminder, DateOnly stepDate, DateTimeOffset closesAt, CancellationToken cancellationToken)
    {
        var entry = stored?.Entry;
        var memberWeek = new MemberWeek(
            new UserId(member.UserId), entry?.Status ?? EntryStatus.Pending, entry?.Answers.Values.Any(v => !string.IsNullOrWhiteSpace(v)) == true, member.InRoster, member.OptedOut, member.Away);
        var send = memberWeek.ForStep(reminder ? CycleStep.Remind : CycleStep.Open, stepDate);
        switch (send)
        {
            case MemberSend.Skip:
                // Stopped, left, away, or (for a reminder) already answered, quiet or away.
                return "skipped";
            case MemberSend.MarkAway:
                await answers.MarkAwayAsync(new AnswerFor(squad, week, member.UserId, member.Name), cancellationToken);
                return "skipped";
        }

        var record = await delivery.DeliverAsync(EntryStore.Partition(squad.Id, week), SendIntent.To(reminder ? IntentKind.Reminder : IntentKind.Prompt, member.UserId).Key, async (_, ct) =>
        {
            // In the member's language, passed down: there is no turn (and no request culture) here.
            var t = Localisation.Texts.For(member.Language);
            var card = send == MemberSend.Form
                ? PromptCards.Form(squad, week, entry?.Answers ?? new Dictionary<string, string>(), [], reminder, member.UserId, closesAt, open: await answers.OpenChoicesAsync(squad, member.UserId, entry, ct), carried: await answers.CarriedAsync(squad, week, member.UserId, ct), texts: t)
                : PromptCards.Summary(squad, week, entry!, member.AwayUntil, open: true, closesAt, t);
            var summary = reminder ? t["Reminder.Notify"] : t.Format("Prompt.Notify", squad.Settings.Name);
            return await messenger.SendToMemberAsync(squad, member.UserId, card, summary, ct);
        }, cancellationToken);

        switch (record.State)
        {
            case SendState.Sent:
                await entries.SetCardAsync(squad.Id, week, member.UserId, member.Name, record.Marker.ConversationId!, record.Marker.ActivityId!, cancellationToken);
                if (member.Reach != ReachStatus.Reachable)
                {
                    await members.RecordReachAsync(squad.Id, member.UserId, ReachStatus.Reachable, null, cancellationToken);
                }

                metrics.PromptSent(reminder ? "reminder" : "prompt");
                return "sent";
            case SendState.InFlight:
                // In flight elsewhere, or left by a crash less than AbandonedClaimAge ago: the step is not finished until
                // it settles (sent, or judged unconfirmed and shown to the lead).
                return "inflight";
            case SendState.AlreadySent:
                if (record.Marker is { State: MarkerStates.Sent, ConversationId: { } conversationId, ActivityId: { } activityId } && stored?.CardActivityId is null)
                {
                    // Sent earlier, but the card's address was never written (a storage blip right after the send):
                    // record it now, or the card could never be updated in place.
                    await entries.SetCardAsync(squad.Id, week, member.UserId, member.Name, conversationId, activityId, cancellationToken);
                }

                return "done";
            case SendState.Unconfirmed:
                // Settled without a retry: the lead sees it as unconfirmed and can send it again.
                return "unconfirmed";
        }

        await members.RecordReachAsync(squad.Id, member.UserId, record.Delivery!.Reach, record.Delivery.Reason, cancellationToken);
        metrics.Unreachable(record.Delivery.Reach.ToString());
        return record.State == SendState.Retry ? "retry" : "unreachable";
    }

    /// <summary>What the Compile or Publish step sends for this week now (<see cref="SquadWeek.LeadSendFor"/>).</summary>
    private async Task<LeadSend> LeadSendAsync(Squad squad, IsoWeek week, CycleStep step, CancellationToken cancellationToken) =>
        squad.Week(week, await digests.IsPublishedAsync(squad, week, cancellationToken)).LeadSendFor(step, squad.Settings.AutoPublish, time.GetUtcNow());

    private async Task<StepReport> CompileAsync(Squad squad, IsoWeek week, CancellationToken cancellationToken)
    {
        if (await LeadSendAsync(squad, week, CycleStep.Compile, cancellationToken) == LeadSend.Nothing)
        {
            return new StepReport(CycleStep.Compile, true, 0, 1, 0, 0, 0, "Already published: no draft to review");
        }

        // Not complete while a lead's draft waits for a retry: the step stays due and the next tick tries again.
        var (sent, retrying) = await digests.SendReviewToLeadsAsync(squad, week, cancellationToken);
        return new StepReport(CycleStep.Compile, retrying == 0, sent, 0, 0, retrying, 0, $"Draft sent to {sent} lead(s)" + (retrying > 0 ? $", {retrying} to retry" : ""));
    }

    private async Task<StepReport> PublishAsync(Squad squad, IsoWeek week, CancellationToken cancellationToken)
    {
        var send = await LeadSendAsync(squad, week, CycleStep.Publish, cancellationToken);
        if (send == LeadSend.ChannelPost || (send == LeadSend.Nothing && await digests.IsPublishedAsync(squad, week, cancellationToken)))
        {
            // Published already (the step was reopened by a correction): publishing again posts nothing and makes any
            // correction that has not reached the channel yet.
            // Complete once the post is settled: in full in the channel, or unconfirmed / refused and told to the leads.
            var result = await digests.PublishAsync(squad, week, "the schedule", cancellationToken);
            return new StepReport(CycleStep.Publish, result.IsSettled, result.State == PublishState.Published ? 1 : 0, 0, 0, result.PartsPending, 0,
                $"{result.State} (Update {result.Edition})" + (result.Details(Texts.English) is { } detail ? $": {detail}" : ""));
        }

        if (send == LeadSend.Nothing)
        {
            return new StepReport(CycleStep.Publish, true, 0, 1, 0, 0, 0, "Already published");
        }

        // Review is required: the leads get one reminder, with the publish button.
        var (reminded, retrying) = await digests.RemindLeadsToPublishAsync(squad, week, cancellationToken);
        return new StepReport(CycleStep.Publish, retrying == 0, reminded, 0, 0, retrying, 0, $"Waiting for review; reminded {reminded} lead(s)");
    }

    /// <summary>
    /// A lead's "send again": every unconfirmed message of the week becomes pending and is sent now, through the same
    /// steps that first sent it (prompts, reminders, review desks, the channel post, readers' questions and their
    /// answers). Returns how many were released.
    /// </summary>
    public async Task<int> SendAgainAsync(Squad squad, IsoWeek week, CancellationToken cancellationToken)
    {
        var partition = EntryStore.Partition(squad.Id, week);
        var unconfirmed = (await cycle.ListUnsettledSendsAsync(partition, cancellationToken)).Where(p => p.Marker.State == MarkerStates.Unconfirmed).ToList();
        foreach (var (intent, _) in unconfirmed)
        {
            await delivery.ReleaseUnconfirmedAsync(partition, intent.Key, cancellationToken);
        }

        var kinds = unconfirmed.Select(p => p.Intent.Kind).ToHashSet();
        if (kinds.Contains(IntentKind.Prompt))
        {
            await FanOutAsync(squad, week, reminder: false, cancellationToken);
        }

        if (kinds.Contains(IntentKind.Reminder))
        {
            await FanOutAsync(squad, week, reminder: true, cancellationToken);
        }

        if (kinds.Contains(IntentKind.ReviewDesk))
        {
            await digests.SendReviewToLeadsAsync(squad, week, cancellationToken);
        }

        if (kinds.Contains(IntentKind.PublishReminder))
        {
            await digests.RemindLeadsToPublishAsync(squad, week, cancellationToken);
        }

        // The post, its parts, and the notices about the post are all driven by publishing again.
        if (kinds.Overlaps([IntentKind.ChannelPost, IntentKind.PostUnconfirmedNotice, IntentKind.PostRefusedNotice]))
        {
            await digests.PublishAsync(squad, week, "a lead (send again)", cancellationToken);
        }

        // Readers' questions and their answers in the thread, each from its stored question.
        await questions.SendReleasedAsync(squad, week, unconfirmed.Select(p => p.Intent), cancellationToken);
        return unconfirmed.Count;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A send of squad {SquadId} week {Week} failed; it is retried on a later tick")]
    private static partial void LogMemberSendFailed(ILogger logger, string squadId, IsoWeek week, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Squad {SquadId} week {Week} step {Step}: {Report}")]
    private static partial void LogStep(ILogger logger, string squadId, IsoWeek week, CycleStep step, StepReport report);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Roster of squad {SquadId} could not be read: {Outcome} {Status}")]
    private static partial void LogRosterFailed(ILogger logger, string squadId, ConnectorOutcome outcome, int? status);
}
