using UpdateBot.Cards;
using UpdateBot.Cycle;
using UpdateBot.Domain;
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
public sealed class AnswerService(EntryStore entries, MemberStore members, CycleStore cycle, BotMetrics metrics, TimeProvider time)
{
    // Each failed attempt means another writer of the same entry succeeded, so k concurrent writers need at most k attempts.
    private const int MaxWriteAttempts = 10;

    public async Task<bool> IsClosedAsync(Squad squad, IsoWeek week, CancellationToken cancellationToken)
    {
        if (time.GetUtcNow() >= WeekWindow.ClosesAt(squad, week))
        {
            return true;
        }

        var post = await cycle.GetMarkerAsync(squad.Id, week, CycleStore.PostKey, cancellationToken);
        return post?.State == MarkerStates.Sent;
    }

    /// <summary>The card that shows the member's current state for the week (used by refresh and by "my update").</summary>
    public async Task<AdaptiveCard> ViewAsync(Squad squad, IsoWeek week, string memberId, string memberName, bool forceForm, CancellationToken cancellationToken)
    {
        var stored = await entries.GetAsync(squad.Id, week, memberId, cancellationToken);
        var closed = await IsClosedAsync(squad, week, cancellationToken);
        var entry = stored?.Entry ?? new Entry(memberId, memberName, EntryStatus.Pending, new Dictionary<string, string>(), time.GetUtcNow());
        if (!closed && (forceForm || entry.Status == EntryStatus.Pending))
        {
            return PromptCards.Form(squad, week, entry.Answers, [], reminder: false, memberId, WeekWindow.ClosesAt(squad, week));
        }

        var member = await members.GetAsync(squad.Id, memberId, cancellationToken);
        return PromptCards.Summary(squad, week, entry, member?.AwayUntil, !closed, WeekWindow.ClosesAt(squad, week));
    }

    /// <summary>Saves the member's answers from the card. Too-long sections are refused with the draft kept on the card.</summary>
    public async Task<AnswerOutcome> SubmitAsync(Squad squad, IsoWeek week, string memberId, string memberName, IReadOnlyDictionary<string, string?> typed, CancellationToken cancellationToken)
    {
        var answers = new Dictionary<string, string>(StringComparer.Ordinal);
        var errors = new List<string>();

        // By section id, which survives renames: an older card's answers land under the same sections (removed ones included).
        foreach (var section in squad.Settings.AllSections)
        {
            if (typed.TryGetValue(PromptCards.SectionInput(section.Id), out var raw) && !string.IsNullOrWhiteSpace(raw))
            {
                var text = AnswerText.Clean(raw);
                answers[section.Id] = text;
                if (AnswerText.CheckLength(section.Title, text) is { } error)
                {
                    errors.Add(error);
                }
            }
        }

        var closesAt = WeekWindow.ClosesAt(squad, week);
        if (await IsClosedAsync(squad, week, cancellationToken))
        {
            var existing = await entries.GetAsync(squad.Id, week, memberId, cancellationToken);
            var closedEntry = existing?.Entry ?? new Entry(memberId, memberName, EntryStatus.Pending, answers, time.GetUtcNow());
            return new AnswerOutcome(PromptCards.Summary(squad, week, closedEntry, null, open: false, closesAt), Saved: false, "This week is closed; your lead has the weeknote.");
        }

        // The form replaces every section, so it must be based on the answers as stored now: something captured
        // from the chat, or sent from another device, since the card was shown is not silently overwritten.
        var stored = await entries.GetAsync(squad.Id, week, memberId, cancellationToken);
        var storedBasis = PromptCards.AnswersFingerprint(stored?.Entry.Answers ?? new Dictionary<string, string>());
        if (typed.GetValueOrDefault("basis") is { } basis && basis != storedBasis && stored is not null)
        {
            errors.Add("Your update changed since this card was shown (from another device, or something you typed in the chat). Check the sections below and submit again to keep this version.");
            errors.AddRange(stored.Entry.Answers.Where(a => !string.IsNullOrWhiteSpace(a.Value))
                .Select(a => $"Saved now in {squad.Settings.Sections.FirstOrDefault(s => s.Id == a.Key)?.Title ?? a.Key}: {a.Value}"));
        }

        if (errors.Count > 0)
        {
            var kept = typed.Where(kv => kv.Value is not null && kv.Key.StartsWith("s_", StringComparison.Ordinal))
                .ToDictionary(kv => kv.Key[2..], kv => kv.Value!, StringComparer.Ordinal);
            return new AnswerOutcome(PromptCards.Form(squad, week, kept, errors, reminder: false, memberId, closesAt, storedBasis), Saved: false);
        }

        var saved = await WriteAsync(squad, week, memberId, memberName, current =>
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
        }, cancellationToken);
        if (saved.TooLarge is { } tooLarge)
        {
            return new AnswerOutcome(PromptCards.Form(squad, week, answers, [tooLarge], reminder: false, memberId, closesAt, storedBasis), Saved: false);
        }

        return new AnswerOutcome(PromptCards.Summary(squad, week, saved.Entry, null, open: true, closesAt), Saved: true);
    }

    /// <summary>"Quiet week": nothing to report; no reminder follows.</summary>
    public async Task<AnswerOutcome> QuietAsync(Squad squad, IsoWeek week, string memberId, string memberName, CancellationToken cancellationToken)
    {
        var closesAt = WeekWindow.ClosesAt(squad, week);
        if (await IsClosedAsync(squad, week, cancellationToken))
        {
            return new AnswerOutcome(await ViewAsync(squad, week, memberId, memberName, false, cancellationToken), false, "This week is closed.");
        }

        var saved = await WriteAsync(squad, week, memberId, memberName, current => (EntryStatus.Quiet, current), cancellationToken);
        return new AnswerOutcome(PromptCards.Summary(squad, week, saved.Entry, null, open: true, closesAt), Saved: true);
    }

    /// <summary>"Away until": no prompts or reminders up to and including that date; this week is marked away.</summary>
    public async Task<AnswerOutcome> AwayAsync(Squad squad, IsoWeek week, string memberId, string memberName, DateOnly? until, CancellationToken cancellationToken)
    {
        var closesAt = WeekWindow.ClosesAt(squad, week);
        var today = WeeklySchedule.LocalDate(squad.TimeZone, time.GetUtcNow());
        if (until is null || until < today)
        {
            var current = await entries.GetAsync(squad.Id, week, memberId, cancellationToken);
            return new AnswerOutcome(
                PromptCards.Form(squad, week, current?.Entry.Answers ?? new Dictionary<string, string>(), ["Pick the last day you're away (today or later)."], false, memberId, closesAt),
                Saved: false);
        }

        await members.SetAwayUntilAsync(squad.Id, memberId, until, cancellationToken);
        if (await IsClosedAsync(squad, week, cancellationToken))
        {
            // The dates count for the weeks ahead; a closed (perhaps published) week keeps what it had.
            return new AnswerOutcome(await ViewAsync(squad, week, memberId, memberName, false, cancellationToken), true, $"Noted: away until {until.Value.ToString("d MMM", System.Globalization.CultureInfo.InvariantCulture)}. This week is already closed.");
        }

        var saved = await WriteAsync(squad, week, memberId, memberName, current => (EntryStatus.Away, current), cancellationToken);
        return new AnswerOutcome(PromptCards.Summary(squad, week, saved.Entry, until, open: true, closesAt), Saved: true);
    }

    /// <summary>"back": prompts resume; this week returns to pending unless something was written.</summary>
    public async Task BackAsync(Squad squad, IsoWeek week, string memberId, string memberName, CancellationToken cancellationToken)
    {
        await members.SetAwayUntilAsync(squad.Id, memberId, null, cancellationToken);
        var current = await entries.GetAsync(squad.Id, week, memberId, cancellationToken);
        if (current?.Entry.Status == EntryStatus.Away && !await IsClosedAsync(squad, week, cancellationToken))
        {
            await WriteAsync(squad, week, memberId, memberName, answers => (answers.Count > 0 ? EntryStatus.Answered : EntryStatus.Pending, answers), cancellationToken);
        }
    }

    /// <summary>Free text typed in the chat while a week is open goes into the first section (the member can move it).</summary>
    public async Task<AnswerOutcome> CaptureAsync(Squad squad, IsoWeek week, string memberId, string memberName, string text, CancellationToken cancellationToken)
    {
        var cleaned = AnswerText.Clean(text);
        var section = squad.Settings.Sections[0];
        string? tooLong = null;
        IReadOnlyDictionary<string, string> latest = new Dictionary<string, string>();
        var written = await WriteAsync(squad, week, memberId, memberName, answers =>
        {
            // Appended to the answers as they are now (re-read on every retry), so two quick messages both land.
            latest = answers;
            var before = answers.GetValueOrDefault(section.Id);
            var combined = string.IsNullOrWhiteSpace(before) ? cleaned : before + "\n" + cleaned;
            tooLong = AnswerText.CheckLength(section.Title, combined);
            return tooLong is null
                ? (EntryStatus.Answered, new Dictionary<string, string>(answers, StringComparer.Ordinal) { [section.Id] = combined })
                : null;
        }, cancellationToken);
        if ((tooLong ?? written.TooLarge) is { } refusal)
        {
            return new AnswerOutcome(PromptCards.Form(squad, week, latest, [refusal, "Nothing was added; here is your update so you can trim it."], false, memberId, WeekWindow.ClosesAt(squad, week)), Saved: false);
        }

        return new AnswerOutcome(PromptCards.Captured(squad, week, section.Id, cleaned), Saved: true);
    }

    /// <summary>
    /// Moves the captured text (the end of <paramref name="fromSectionId"/>) to another section, within the same
    /// 2,000-character limit as everything else a member writes: a move that would pass it moves nothing.
    /// </summary>
    public async Task<AnswerOutcome> MoveCaptureAsync(Squad squad, IsoWeek week, string memberId, string memberName, string fromSectionId, string toSectionId, string capturedText, CancellationToken cancellationToken)
    {
        var target = squad.Settings.Sections.FirstOrDefault(s => s.Id == toSectionId);
        if (target is null || await IsClosedAsync(squad, week, cancellationToken))
        {
            return new AnswerOutcome(await ViewAsync(squad, week, memberId, memberName, false, cancellationToken), false);
        }

        string? tooLong = null;
        var written = await WriteAsync(squad, week, memberId, memberName, answers =>
        {
            var updated = new Dictionary<string, string>(answers, StringComparer.Ordinal);
            if (!RemoveTail(updated, fromSectionId, capturedText))
            {
                return null;
            }

            var combined = updated.TryGetValue(toSectionId, out var existing) && !string.IsNullOrWhiteSpace(existing) ? existing + "\n" + capturedText : capturedText;
            tooLong = AnswerText.CheckLength(target.Title, combined);
            if (tooLong is not null)
            {
                return null;
            }

            updated[toSectionId] = combined;
            return (EntryStatus.Answered, updated);
        }, cancellationToken);
        if ((tooLong ?? written.TooLarge) is { } refusal)
        {
            return new AnswerOutcome(PromptCards.Captured(squad, week, fromSectionId, capturedText), false, refusal + " Nothing was moved.");
        }

        return new AnswerOutcome(PromptCards.Captured(squad, week, toSectionId, capturedText), true);
    }

    public async Task<AnswerOutcome> UndoCaptureAsync(Squad squad, IsoWeek week, string memberId, string memberName, string sectionId, string capturedText, CancellationToken cancellationToken)
    {
        if (await IsClosedAsync(squad, week, cancellationToken))
        {
            return new AnswerOutcome(await ViewAsync(squad, week, memberId, memberName, false, cancellationToken), false, "This week is closed; ask your squad lead if something needs changing.");
        }

        var saved = await WriteAsync(squad, week, memberId, memberName, answers =>
        {
            var updated = new Dictionary<string, string>(answers, StringComparer.Ordinal);
            RemoveTail(updated, sectionId, capturedText);
            return (updated.Values.Any(v => !string.IsNullOrWhiteSpace(v)) ? EntryStatus.Answered : EntryStatus.Pending, updated);
        }, cancellationToken);
        return new AnswerOutcome(PromptCards.Summary(squad, week, saved.Entry, null, open: true, WeekWindow.ClosesAt(squad, week)), true, "Removed.");
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

    /// <summary>What a write left stored, and whether it was refused because the answers would not fit storage.</summary>
    private sealed record Written(Entry Entry, string? TooLarge);

    private async Task<Written> WriteAsync(
        Squad squad,
        IsoWeek week,
        string memberId,
        string memberName,
        Func<IReadOnlyDictionary<string, string>, (EntryStatus Status, IReadOnlyDictionary<string, string> Answers)?> change,
        CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < MaxWriteAttempts; attempt++)
        {
            var current = await entries.GetAsync(squad.Id, week, memberId, cancellationToken);
            var unchanged = current?.Entry ?? new Entry(memberId, memberName, EntryStatus.Pending, new Dictionary<string, string>(), time.GetUtcNow());
            if (change(current?.Entry.Answers ?? new Dictionary<string, string>()) is not var (status, answers))
            {
                return new Written(unchanged, null);
            }

            var entry = new Entry(memberId, memberName, status, answers, time.GetUtcNow());
            switch (await entries.TrySaveAsync(squad.Id, week, entry, current, cancellationToken))
            {
                case EntryWrite.Saved:
                    metrics.AnswerSaved(status.ToString());
                    return new Written(entry, null);
                case EntryWrite.TooLarge:
                    return new Written(unchanged, TooLargeMessage);
            }
        }

        throw new InvalidOperationException("The answer kept changing underneath us; please try again.");
    }

    /// <summary>
    /// Each section is within its limit, yet all of them together (with characters such as emoji, which storage
    /// writes longer) do not fit what one entry can hold.
    /// </summary>
    private static readonly string TooLargeMessage =
        $"Your update is too long to store as a whole (the limit is {StoredText.MaxPropertyChars:N0} characters once saved, and emoji count as several). Nothing was saved; shorten a section and submit again.";
}
