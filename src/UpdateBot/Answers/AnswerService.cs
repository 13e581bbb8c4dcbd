using UpdateBot.Cards;
using UpdateBot.Domain;
using UpdateBot.Localisation;
using UpdateBot.Hosting;
using UpdateBot.Storage;
using UpdateBot.Teams.Cards;

namespace UpdateBot.Answers;

/// <summary>What a member's action produced: the card to show them now, and whether anything was stored.</summary>
public sealed record AnswerOutcome(AdaptiveCard Card, bool Saved, string? Message = null);

/// <summary>
/// A member's side of the week: answering by section, quiet, away, free text, edits until the week closes.
/// Every write is read-modify-write with the entry's ETag, so two devices never lose each other's change.
/// </summary>
/// <summary>What a member changed on the form about the open weeknote (null: left as the card showed it).</summary>
public sealed record OpenChoiceChange(bool? TeamOnly, PublicName? PublicName)
{
    public static OpenChoiceChange None { get; } = new(null, null);
}

public sealed class AnswerService(EntryStore entries, MemberStore members, CycleStore cycle, PeopleStore people, BotMetrics metrics, TimeProvider time)
{
    // Each failed attempt means another writer of the same entry succeeded, so k concurrent writers need at most k attempts.
    private const int MaxWriteAttempts = 10;

    /// <summary>The squad-week as the rules see it, with whether it is published read from storage.</summary>
    public async Task<SquadWeek> WeekAsync(Squad squad, IsoWeek week, CancellationToken cancellationToken)
    {
        var post = await cycle.GetMarkerAsync(squad.Id, week, CycleStore.PostKey, cancellationToken);
        return squad.Week(week, post?.State == MarkerStates.Sent);
    }

    public async Task<bool> IsClosedAsync(Squad squad, IsoWeek week, CancellationToken cancellationToken) =>
        !(await WeekAsync(squad, week, cancellationToken)).IsOpenAt(time.GetUtcNow());

    /// <summary>
    /// Where new words meant for <paramref name="week"/> are kept now (<see cref="SquadWeek.WordsGoAt"/>): that week
    /// while it is open or waits on the lead's desk; the next week not yet published once it is published.
    /// </summary>
    public async Task<(SquadWeek Target, WordsDestination How)> WhereWordsGoAsync(Squad squad, IsoWeek week, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var target = await WeekAsync(squad, week, cancellationToken);
        var how = target.WordsGoAt(now);

        // Cards are never older than last week (CardActionHandler), so this is one hop, at most two.
        for (var hop = 0; hop < 4 && target.WordsGoAt(now) == WordsDestination.NextWeek; hop++)
        {
            target = await WeekAsync(squad, target.Week.Next(), cancellationToken);
        }

        return (target, how);
    }

    /// <summary>What the member is told when their words went somewhere other than the week they meant.</summary>
    public static string? LateNote(IsoWeek meant, SquadWeek target, WordsDestination how, Texts? texts = null) => how switch
    {
        WordsDestination.LeadDesk => (texts ?? Texts.English).Format("Answer.Late.LeadDesk", meant),
        WordsDestination.NextWeek => (texts ?? Texts.English).Format("Answer.Late.NextWeek", meant, target.Week),
        _ => null,
    };

    /// <summary>The member's open weeknote choices for the form: null when the squad does not publish openly (the form has none).</summary>
    public async Task<OpenChoices?> OpenChoicesAsync(Squad squad, string memberId, Entry? entry, CancellationToken cancellationToken) =>
        squad.Settings.PublishOpenly ? new OpenChoices(entry?.TeamOnly ?? false, await people.GetPublicNameAsync(memberId, cancellationToken)) : null;

    /// <summary>
    /// What the member wrote last week in the squad's carry-forward sections, for this week's form (one point read;
    /// nothing read when no section carries forward).
    /// </summary>
    public async Task<IReadOnlyList<CarriedForward>> CarriedAsync(Squad squad, IsoWeek week, string memberId, CancellationToken cancellationToken)
    {
        if (!squad.Settings.Sections.Any(s => squad.Settings.CarriesForward(s.Id)))
        {
            return [];
        }

        var lastWeek = await entries.GetAsync(squad.Id, week.Previous(), memberId, cancellationToken);
        return Continuity.FromLastWeek(squad.Settings, lastWeek?.Entry);
    }

    /// <summary>The card that shows the member's current state for the week (used by refresh and by "my update").</summary>
    public async Task<AdaptiveCard> ViewAsync(AnswerFor answering, bool forceForm, CancellationToken cancellationToken)
    {
        var (squad, week, memberId, memberName) = answering;
        var t = answering.Texts;
        var stored = await entries.GetAsync(squad.Id, week, memberId, cancellationToken);
        var closed = await IsClosedAsync(squad, week, cancellationToken);
        var entry = stored?.Entry ?? new Entry(memberId, memberName, EntryStatus.Pending, new Dictionary<string, string>(), time.GetUtcNow());
        if (!closed && (forceForm || entry.Status == EntryStatus.Pending))
        {
            return PromptCards.Form(squad, week, entry.Answers, [], reminder: false, memberId, ClosesAt(squad, week), open: await OpenChoicesAsync(squad, memberId, entry, cancellationToken), carried: await CarriedAsync(squad, week, memberId, cancellationToken), texts: t);
        }

        var member = await members.GetAsync(squad.Id, memberId, cancellationToken);
        return PromptCards.Summary(squad, week, entry, member?.AwayUntil, !closed, ClosesAt(squad, week), texts: t);
    }

    /// <summary>
    /// Saves the member's answers from the card. Too-long sections are refused with the draft kept on the card. Late
    /// words are kept (<see cref="WhereWordsGoAsync"/>): after the close, on the lead's desk until published; after
    /// publishing, added to the next week's answer (never replacing it). The member is told which.
    /// </summary>
    /// <param name="openChange">What the member changed about the open weeknote: their public name is saved (it applies
    /// to editions published from now on), and the team-only flag goes with the answers to the week they are kept in.</param>
    public async Task<AnswerOutcome> SubmitAsync(AnswerFor answering, IReadOnlyDictionary<string, string?> typed, CancellationToken cancellationToken, OpenChoiceChange? openChange = null)
    {
        var (squad, week, memberId, memberName) = answering;
        var t = answering.Texts;
        openChange ??= OpenChoiceChange.None;
        var answers = new Dictionary<string, string>(StringComparer.Ordinal);
        var errors = new List<string>();

        // By section id, which survives renames: an older card's answers land under the same sections (removed ones included).
        foreach (var section in squad.Settings.AllSections)
        {
            if (typed.TryGetValue(PromptCards.SectionInput(section.Id), out var raw) && !string.IsNullOrWhiteSpace(raw))
            {
                var text = AnswerText.Clean(raw);
                answers[section.Id] = text;
                if (AnswerText.CheckLength(text) is { } tooLong)
                {
                    errors.Add(t.SectionTooLong(section.Title, tooLong));
                }
            }
        }

        var closesAt = ClosesAt(squad, week);
        var (target, how) = await WhereWordsGoAsync(squad, week, cancellationToken);
        if (how == WordsDestination.NextWeek && errors.Count == 0)
        {
            if (answers.Count == 0)
            {
                var existing = await entries.GetAsync(squad.Id, week, memberId, cancellationToken);
                var closedEntry = existing?.Entry ?? new Entry(memberId, memberName, EntryStatus.Pending, answers, time.GetUtcNow());
                return new AnswerOutcome(PromptCards.Summary(squad, week, closedEntry, null, open: false, closesAt, texts: t), Saved: false, t.Format("Answer.PublishedNothingToKeep", week));
            }

            string? tooLong = null;
            var late = await WriteOnceAsync(squad, target.Week, memberId, memberName, current =>
            {
                var updated = new Dictionary<string, string>(current, StringComparer.Ordinal);
                foreach (var (sectionId, text) in answers)
                {
                    updated[sectionId] = Appended(current.GetValueOrDefault(sectionId), text);
                    tooLong ??= AnswerText.CheckLength(updated[sectionId]) is { } over ? t.SectionTooLong(squad.Settings.AllSections.First(s => s.Id == sectionId).Title, over) : null;
                }

                return tooLong is null ? (EntryStatus.Answered, updated) : null;
            }, null, cancellationToken, openChange.TeamOnly);
            var kept = late.Entry;
            if ((tooLong ?? TooLargeRefusal(late, t)) is { } refusal)
            {
                return new AnswerOutcome(PromptCards.Form(squad, target.Week, kept.Answers, [refusal, LateNote(week, target, how, t)!, t["Answer.NothingAddedThat"]], false, memberId, target.ClosesAt, open: await OpenChoicesAsync(squad, memberId, kept, cancellationToken), carried: await CarriedAsync(squad, target.Week, memberId, cancellationToken), texts: t), Saved: false);
            }

            await SavePublicNameAsync(memberId, openChange, cancellationToken);
            return new AnswerOutcome(PromptCards.Summary(squad, target.Week, kept, null, target.IsOpenAt(time.GetUtcNow()), target.ClosesAt, texts: t), Saved: true, LateNote(week, target, how, t));
        }

        // The form replaces every section, so it must be based on the answers as stored now: something captured
        // from the chat, or sent from another device, since the card was shown is not silently overwritten.
        var stored = await entries.GetAsync(squad.Id, week, memberId, cancellationToken);
        var storedBasis = PromptCards.AnswersFingerprint(stored?.Entry.Answers ?? new Dictionary<string, string>());
        if (how != WordsDestination.NextWeek && typed.GetValueOrDefault("basis") is { } basis && basis != storedBasis && stored is not null)
        {
            errors.Add(t["Answer.ChangedSinceShown"]);
            errors.AddRange(stored.Entry.Answers.Where(a => !string.IsNullOrWhiteSpace(a.Value))
                .Select(a => t.Format("Answer.SavedNowIn", squad.Settings.Sections.FirstOrDefault(s => s.Id == a.Key)?.Title ?? a.Key, a.Value)));
        }

        if (errors.Count > 0)
        {
            var kept = typed.Where(kv => kv.Value is not null && kv.Key.StartsWith("s_", StringComparison.Ordinal))
                .ToDictionary(kv => kv.Key[2..], kv => kv.Value!, StringComparer.Ordinal);
            return new AnswerOutcome(PromptCards.Form(squad, week, kept, errors, reminder: false, memberId, closesAt, storedBasis, await OpenChoicesAsync(squad, memberId, stored?.Entry, cancellationToken), carried: await CarriedAsync(squad, week, memberId, cancellationToken), texts: t), Saved: false);
        }

        // The entry just read is the first attempt's basis: the write is conditional on its ETag, so a change in
        // between is a conflict, read again.
        var written = await WriteOnceAsync(squad, week, memberId, memberName, current =>
        {
            // The form shows only today's sections: answers under a section removed this week stay (in the draft, under its old title).
            var kept = new Dictionary<string, string>(answers, StringComparer.Ordinal);
            foreach (var retired in squad.Settings.RetiredSections)
            {
                if (!kept.ContainsKey(retired.Id) && current.TryGetValue(retired.Id, out var text) && !typed.ContainsKey(PromptCards.SectionInput(retired.Id)))
                {
                    kept[retired.Id] = text;
                }
            }

            return (kept.Count == 0 ? EntryStatus.Pending : EntryStatus.Answered, kept);
        }, null, cancellationToken, openChange.TeamOnly, new ReadNow(stored));
        if (TooLargeRefusal(written, t) is { } tooLarge)
        {
            return new AnswerOutcome(PromptCards.Form(squad, week, answers, [tooLarge], reminder: false, memberId, closesAt, storedBasis, await OpenChoicesAsync(squad, memberId, stored?.Entry, cancellationToken), carried: await CarriedAsync(squad, week, memberId, cancellationToken), texts: t), Saved: false);
        }

        await SavePublicNameAsync(memberId, openChange, cancellationToken);

        var saved = written.Entry;
        return new AnswerOutcome(PromptCards.Summary(squad, week, saved, null, open: how == WordsDestination.ThisWeek, closesAt, texts: t), Saved: true, LateNote(week, target, how, t));
    }

    private async Task SavePublicNameAsync(string memberId, OpenChoiceChange change, CancellationToken cancellationToken)
    {
        if (change.PublicName is { } name)
        {
            await people.SetPublicNameAsync(memberId, name, cancellationToken);
        }
    }

    /// <summary>"Quiet week": nothing to report; no reminder follows.</summary>
    public async Task<AnswerOutcome> QuietAsync(AnswerFor answering, CancellationToken cancellationToken)
    {
        var (squad, week, memberId, memberName) = answering;
        var t = answering.Texts;
        var closesAt = ClosesAt(squad, week);
        if (await IsClosedAsync(squad, week, cancellationToken))
        {
            return new AnswerOutcome(await ViewAsync(answering, false, cancellationToken), false, t["Answer.WeekClosed"]);
        }

        var saved = await WriteAsync(squad, week, memberId, memberName, current => (EntryStatus.Quiet, current), cancellationToken);
        return new AnswerOutcome(PromptCards.Summary(squad, week, saved, null, open: true, closesAt, texts: t), Saved: true);
    }

    /// <summary>"Away until" a date picked on a card: away from now.</summary>
    public Task<AnswerOutcome> AwayAsync(AnswerFor answering, DateOnly? until, CancellationToken cancellationToken)
    {
        return AwayAsync(answering, until is { } date ? AwayPeriod.FromNowUntil(date) : null, cancellationToken);
    }

    /// <summary>
    /// Away for <paramref name="away"/>: no prompts or reminders on those days. Going away never removes what the
    /// member already gave: this week is marked away only when they have said nothing in it and the time away
    /// includes some of it (<see cref="MemberWeek.AwayMarksWeek"/>).
    /// </summary>
    public async Task<AnswerOutcome> AwayAsync(AnswerFor answering, AwayPeriod? away, CancellationToken cancellationToken)
    {
        var (squad, week, memberId, memberName) = answering;
        var t = answering.Texts;
        var closesAt = ClosesAt(squad, week);
        var today = WeeklySchedule.LocalDate(squad.TimeZone, time.GetUtcNow());
        if (away is null || away.Until < today)
        {
            var current = await entries.GetAsync(squad.Id, week, memberId, cancellationToken);
            return new AnswerOutcome(
                PromptCards.Form(squad, week, current?.Entry.Answers ?? new Dictionary<string, string>(), [t["Answer.PickAwayDay"]], false, memberId, closesAt, open: await OpenChoicesAsync(squad, memberId, current?.Entry, cancellationToken), carried: await CarriedAsync(squad, week, memberId, cancellationToken), texts: t),
                Saved: false);
        }

        await members.SetAwayAsync(squad.Id, memberId, away, cancellationToken);
        var noted = away.From > today
            ? t.Format("Answer.AwayFromTo", away.From.ToString("d MMM", t.DateCulture), away.Until.ToString("d MMM", t.DateCulture))
            : t.Format("Answer.AwayUntil", away.Until.ToString("d MMM", t.DateCulture));
        if (await IsClosedAsync(squad, week, cancellationToken))
        {
            // The dates count for the weeks ahead; a closed (perhaps published) week keeps what it had.
            return new AnswerOutcome(await ViewAsync(answering, false, cancellationToken), true, $"{noted} {t["Answer.AlreadyClosed"]}");
        }

        var stored = await entries.GetAsync(squad.Id, week, memberId, cancellationToken);
        if (!MemberWeekOf(memberId, stored, away).AwayMarksWeek(away, week, today))
        {
            var kept = stored?.Entry.Answers.Values.Any(v => !string.IsNullOrWhiteSpace(v)) == true
                ? t["Answer.AwayKeeps"]
                : t["Answer.AwayStillOpen"];
            return new AnswerOutcome(await ViewAsync(answering, false, cancellationToken), true, $"{noted} {kept}");
        }

        var saved = await WriteAsync(squad, week, memberId, memberName, current => (EntryStatus.Away, current), cancellationToken);
        return new AnswerOutcome(PromptCards.Summary(squad, week, saved, away.Until, open: true, closesAt, texts: t), Saved: true);
    }

    /// <summary>The scheduler found the member away on a step's day: their week is marked away unless they have said something.</summary>
    public Task MarkAwayAsync(AnswerFor answering, CancellationToken cancellationToken)
    {
        var (squad, week, memberId, memberName) = answering;
        var t = answering.Texts;
        return WriteAsync(squad, week, memberId, memberName, answers =>
            answers.Values.Any(v => !string.IsNullOrWhiteSpace(v)) ? null : (EntryStatus.Away, answers), cancellationToken);
    }

    /// <summary>"back": prompts resume; this week returns to pending unless something was written.</summary>
    public async Task BackAsync(AnswerFor answering, CancellationToken cancellationToken)
    {
        var (squad, week, memberId, memberName) = answering;
        var t = answering.Texts;
        await members.SetAwayUntilAsync(squad.Id, memberId, null, cancellationToken);
        var current = await entries.GetAsync(squad.Id, week, memberId, cancellationToken);
        if (current?.Entry.Status == EntryStatus.Away && !await IsClosedAsync(squad, week, cancellationToken))
        {
            await WriteAsync(squad, week, memberId, memberName, answers => (answers.Count > 0 ? EntryStatus.Answered : EntryStatus.Pending, answers), cancellationToken);
        }
    }

    /// <summary>
    /// Free text typed in the chat goes into the first section (the member can move it) of the week it is kept in
    /// (<see cref="WhereWordsGoAsync"/>). Captured once per chat message (<paramref name="activityId"/>), whichever
    /// instance receives it and however often Teams redelivers it. <paramref name="hint"/> ("did you mean the
    /// command?") is shown on the card.
    /// </summary>
    public async Task<AnswerOutcome> CaptureAsync(AnswerFor answering, string text, CancellationToken cancellationToken, string? activityId = null, string? hint = null)
    {
        var (squad, week, memberId, memberName) = answering;
        var t = answering.Texts;
        var cleaned = AnswerText.Clean(text);
        var section = squad.Settings.Sections[0];
        var (target, how) = await WhereWordsGoAsync(squad, week, cancellationToken);
        string? tooLong = null;
        IReadOnlyDictionary<string, string> latest = new Dictionary<string, string>();
        var written = await WriteOnceAsync(squad, target.Week, memberId, memberName, answers =>
        {
            // Appended to the answers as they are now (re-read on every retry), so two quick messages both land.
            latest = answers;
            var combined = Appended(answers.GetValueOrDefault(section.Id), cleaned);
            tooLong = AnswerText.CheckLength(combined) is { } over ? t.SectionTooLong(section.Title, over) : null;
            return tooLong is null
                ? (EntryStatus.Answered, new Dictionary<string, string>(answers, StringComparer.Ordinal) { [section.Id] = combined })
                : null;
        }, activityId, cancellationToken);
        if ((tooLong ?? TooLargeRefusal(written, t)) is { } refusal)
        {
            return new AnswerOutcome(PromptCards.Form(squad, target.Week, latest, [refusal, t["Answer.NothingAddedYour"]], false, memberId, target.ClosesAt, open: await OpenChoicesAsync(squad, memberId, written.Entry, cancellationToken), carried: await CarriedAsync(squad, target.Week, memberId, cancellationToken), texts: t), Saved: false);
        }

        var note = string.Join(" ", new[] { LateNote(week, target, how, t), hint }.Where(n => n is not null));
        return new AnswerOutcome(PromptCards.Captured(squad, target.Week, section.Id, cleaned, note.Length == 0 ? null : note, texts: t), Saved: true);
    }

    private static string Appended(string? before, string text) => string.IsNullOrWhiteSpace(before) ? text : before + "\n" + text;

    private static MemberWeek MemberWeekOf(string memberId, StoredEntry? stored, AwayPeriod? away) => new(
        new UserId(memberId),
        stored?.Entry.Status ?? EntryStatus.Pending,
        stored?.Entry.Answers.Values.Any(v => !string.IsNullOrWhiteSpace(v)) == true,
        InRoster: true,
        OptedOut: false,
        away);

    private static DateTimeOffset ClosesAt(Squad squad, IsoWeek week) => squad.Week(week, published: false).ClosesAt;

    /// <summary>
    /// Moves the captured text (the end of <paramref name="fromSectionId"/>) to another section, within the same
    /// 2,000-character limit as everything else a member writes: a move that would pass it moves nothing.
    /// </summary>
    public async Task<AnswerOutcome> MoveCaptureAsync(AnswerFor answering, string fromSectionId, string toSectionId, string capturedText, CancellationToken cancellationToken)
    {
        var (squad, week, memberId, memberName) = answering;
        var t = answering.Texts;
        var target = squad.Settings.Sections.FirstOrDefault(s => s.Id == toSectionId);
        if (target is null || await IsClosedAsync(squad, week, cancellationToken))
        {
            return new AnswerOutcome(await ViewAsync(answering, false, cancellationToken), false);
        }

        string? tooLong = null;
        var written = await WriteOnceAsync(squad, week, memberId, memberName, answers =>
        {
            var updated = new Dictionary<string, string>(answers, StringComparer.Ordinal);
            if (!RemoveTail(updated, fromSectionId, capturedText))
            {
                return null;
            }

            var combined = Appended(updated.GetValueOrDefault(toSectionId), capturedText);
            tooLong = AnswerText.CheckLength(combined) is { } over ? t.SectionTooLong(target.Title, over) : null;
            if (tooLong is not null)
            {
                return null;
            }

            updated[toSectionId] = combined;
            return (EntryStatus.Answered, updated);
        }, null, cancellationToken);
        if ((tooLong ?? TooLargeRefusal(written, t)) is { } refusal)
        {
            return new AnswerOutcome(PromptCards.Captured(squad, week, fromSectionId, capturedText, texts: t), false, $"{refusal} {t["Answer.NothingMoved"]}");
        }

        return new AnswerOutcome(PromptCards.Captured(squad, week, toSectionId, capturedText, texts: t), true);
    }

    public async Task<AnswerOutcome> UndoCaptureAsync(AnswerFor answering, string sectionId, string capturedText, CancellationToken cancellationToken)
    {
        var (squad, week, memberId, memberName) = answering;
        var t = answering.Texts;
        if (await IsClosedAsync(squad, week, cancellationToken))
        {
            return new AnswerOutcome(await ViewAsync(answering, false, cancellationToken), false, t["Answer.ClosedAskLead"]);
        }

        var saved = await WriteAsync(squad, week, memberId, memberName, answers =>
        {
            var updated = new Dictionary<string, string>(answers, StringComparer.Ordinal);
            RemoveTail(updated, sectionId, capturedText);
            return (updated.Values.Any(v => !string.IsNullOrWhiteSpace(v)) ? EntryStatus.Answered : EntryStatus.Pending, updated);
        }, cancellationToken);
        return new AnswerOutcome(PromptCards.Summary(squad, week, saved, null, open: true, ClosesAt(squad, week), texts: t), true, t["Answer.Removed"]);
    }

    private static bool RemoveTail(Dictionary<string, string> answers, string sectionId, string text)
    {
        if (!answers.TryGetValue(sectionId, out var current) || !current.EndsWith(text, StringComparison.Ordinal))
        {
            return false;
        }

        var rest = current[..^text.Length].TrimEnd('\n');
        if (rest.Length == 0)
        {
            answers.Remove(sectionId);
        }
        else
        {
            answers[sectionId] = rest;
        }

        return true;
    }

    private async Task<Entry> WriteAsync(
        Squad squad,
        IsoWeek week,
        string memberId,
        string memberName,
        Func<IReadOnlyDictionary<string, string>, (EntryStatus Status, IReadOnlyDictionary<string, string> Answers)?> change,
        CancellationToken cancellationToken) =>
        (await WriteOnceAsync(squad, week, memberId, memberName, change, null, cancellationToken)).Entry;

    /// <summary>
    /// Read-modify-write of the member's entry with its ETag. With <paramref name="capturedActivityId"/>, a message
    /// already captured into the entry is not applied again (<c>Duplicate</c>), and the id is stored with the change.
    /// </summary>
    /// <param name="readNow">The entry as the caller has just read it (null inside when absent): the first attempt starts
    /// from it instead of reading it again.</param>
    private async Task<Written> WriteOnceAsync(
        Squad squad,
        IsoWeek week,
        string memberId,
        string memberName,
        Func<IReadOnlyDictionary<string, string>, (EntryStatus Status, IReadOnlyDictionary<string, string> Answers)?> change,
        string? capturedActivityId,
        CancellationToken cancellationToken,
        bool? teamOnly = null,
        ReadNow? readNow = null)
    {
        for (var attempt = 0; attempt < MaxWriteAttempts; attempt++)
        {
            var current = attempt == 0 && readNow is not null ? readNow.Entry : await entries.GetAsync(squad.Id, week, memberId, cancellationToken);
            if (capturedActivityId is not null && current?.CapturedActivityIds.Contains(capturedActivityId, StringComparer.Ordinal) == true)
            {
                return new Written(current.Entry, true, false);
            }

            var unchanged = current?.Entry ?? new Entry(memberId, memberName, EntryStatus.Pending, new Dictionary<string, string>(), time.GetUtcNow());
            if (change(current?.Entry.Answers ?? new Dictionary<string, string>()) is not var (status, answers))
            {
                return new Written(unchanged, false, false);
            }

            // The team-only flag stays as the member last set it unless this write sets it.
            var entry = new Entry(memberId, memberName, status, answers, time.GetUtcNow()) { TeamOnly = teamOnly ?? current?.Entry.TeamOnly ?? false };
            switch (await entries.TrySaveAsync(squad.Id, week, entry, current, capturedActivityId, cancellationToken))
            {
                case EntryWrite.Saved:
                    metrics.AnswerSaved(status.ToString());
                    return new Written(entry, false, false);
                case EntryWrite.TooLarge:
                    return new Written(unchanged, false, true);
            }
        }

        throw new InvalidOperationException("The answer kept changing underneath us; please try again.");
    }

    /// <summary>
    /// What a write left stored: <c>Duplicate</c> when the captured message was already in it; <c>TooLarge</c> when the
    /// answers would not fit storage, and nothing was written (<see cref="TooLargeRefusal"/> says so).
    /// </summary>
    private sealed record Written(Entry Entry, bool Duplicate, bool TooLarge);

    /// <summary>An entry as read a moment ago (<see cref="WriteOnceAsync"/>): null inside when there was none.</summary>
    private sealed record ReadNow(StoredEntry? Entry);

    /// <summary>
    /// Null unless each section is within its limit, yet all of them together (with characters such as emoji, which
    /// storage writes longer) do not fit what one entry can hold: then what to tell the member, in their language.
    /// </summary>
    private static string? TooLargeRefusal(Written written, Texts t) =>
        written.TooLarge ? t.Format("Answer.TooLargeToStore", Texts.Number(StoredText.MaxPropertyChars)) : null;
}
