using System.Globalization;
using System.Text;
using UpdateBot.Digests;
using UpdateBot.Domain;
using UpdateBot.Localisation;
using UpdateBot.Storage;
using UpdateBot.Turns;

namespace UpdateBot.Squads;

/// <summary>What an erasure removed, as the member is told.</summary>
public sealed record ErasureReport(int Weeks, int LeadEdits, int Editions, int Markers, int Waiting)
{
    /// <summary>Open (public) weeknotes your items were taken out of (their pages and feed no longer show them).</summary>
    public int PublicEditions { get; init; }

    /// <summary>Readers' questions you asked or were asked (answers already posted in a channel thread stay there, as Teams holds them).</summary>
    public int Questions { get; init; }

    /// <summary>What the member is told, in their language (the counts and the stored "removed at the author's request" as they are).</summary>
    public string Describe(Texts? texts = null)
    {
        var t = texts ?? Texts.English;
        return t.Format("Erasure.Done", t.Count("Erasure.Weeks", Weeks), t.Count("Erasure.LeadEdits", LeadEdits), t.Count("Erasure.Editions", Editions),
            t.Count("Erasure.PublicEditions", PublicEditions), t.Count("Erasure.Questions", Questions), t.Count("Erasure.Markers", Markers), t.Count("Erasure.Waiting", Waiting),
            Commands.Word(CommandKind.Stop, t.Language));
    }
}

/// <summary>
/// An erasure stopped part way because the review draft kept changing under it (leads editing at the same moment):
/// what it removed stays removed, and the person is told, in their language, to say erase my data again.
/// </summary>
public sealed class ErasureInterruptedException() : Exception("The review draft kept changing while a person's data was being erased.");

/// <summary>
/// A member's own data: what is held about them, and erasure on request (README, "What it promises, exactly"). Every
/// lookup goes through the person's squads (the person index) and key ranges of those squads, never a table scan.
/// </summary>
public sealed class PrivacyService(
    PeopleStore people,
    SquadStore squads,
    MemberStore members,
    EntryStore entries,
    CycleStore cycle,
    EditionStore editions,
    PostSnapshotStore postSnapshots,
    ConversationStore conversations,
    OpenWeeknoteService openWeeknotes,
    QuestionStore questions)
{
    private const string WelcomeKey = "welcome";

    /// <summary>What is held about the person, in every squad, said in <paramref name="texts"/> (English when not given).</summary>
    public async Task<string> DescribeAsync(string userId, CancellationToken cancellationToken, Texts? texts = null)
    {
        var t = texts ?? Texts.English;
        var builder = new StringBuilder();
        builder.AppendLine(t["Privacy.Title"]).AppendLine();
        var reference = await conversations.GetAsync(ConversationStore.User, userId, cancellationToken);
        builder.AppendLine(reference is null ? t["Privacy.NoChat"] : t[reference.AadObjectId is null ? "Privacy.Chat" : "Privacy.ChatWithEntra"]);
        if (reference?.TimeZoneId is { } zone)
        {
            builder.AppendLine(t.Format(reference.TimeZoneSource == TimeZoneSource.Set ? "Privacy.TimeZone.Set" : "Privacy.TimeZone.Teams", zone));
        }

        if (reference is not null)
        {
            // The language is held on the same chat reference (and copied to each roster row): erasure deletes both.
            builder.AppendLine(t.Format(reference.ChosenLanguage is null ? "Privacy.Language.Teams" : "Privacy.Language.Chosen", t["Language.Name." + reference.Language]));
        }

        foreach (var held in await HeldAsync(userId, cancellationToken))
        {
            builder.AppendLine().Append("**").Append(held.Name ?? t["Privacy.SquadGone"]).AppendLine("**");
            if (held.Member is { } member)
            {
                builder.Append(t.Format("Privacy.OnRoster", member.Name)).Append(member.InRoster ? "" : t["Privacy.LeftTeam"])
                    .Append(member.OptedOut ? t.Format("Privacy.OptedOut", Commands.Word(CommandKind.Stop, t.Language)) : "")
                    .Append(member.AwayUntil is { } away ? t.Format("Privacy.AwayUntil", away.ToString("d MMM yyyy", t.DateCulture)) : "")
                    .AppendLine(".");
            }

            if (held.IsLead)
            {
                builder.AppendLine(t["Privacy.Lead"]);
            }

            builder.AppendLine(t.Count("Privacy.Answers", held.Entries.Count));
            foreach (var (week, _, stored) in held.Entries.OrderByDescending(e => e.Week).Take(20))
            {
                builder.Append("  - ").Append(week.ToString()).Append(": ").Append(t["Status.State." + stored.Entry.Status]).AppendLine();
            }

            AppendCount(held.LeadEdits, "Privacy.LeadEdits");
            AppendCount(held.Editions, "Privacy.Editions");
            AppendCount(held.Markers, "Privacy.Markers");
            AppendCount(held.ResolvedMarks.Count, "Privacy.ResolvedMarks");
            AppendCount(held.MarksMade.Count, "Privacy.MarksMade");
            var asked = held.Questions.Count(q => q.AskerId == userId);
            if (held.Questions.Count > 0)
            {
                builder.AppendLine(t.Format("Privacy.Questions", asked, held.Questions.Count - asked));
            }
        }

        if (await people.GetPublicNameAsync(userId, cancellationToken) is { } publicName)
        {
            builder.AppendLine().AppendLine(t.Format("Privacy.PublicName", t.Describe(publicName)));
        }

        var waiting = await people.ListChoicesAsync(userId, cancellationToken);
        if (waiting.Count > 0)
        {
            builder.AppendLine().AppendLine(t.Format("Privacy.Waiting", waiting.Count));
        }

        builder.AppendLine().Append(t.Format("Privacy.Footer", Commands.Word(CommandKind.EraseMyData, t.Language)));
        return builder.ToString();

        void AppendCount(int count, string key)
        {
            if (count > 0)
            {
                builder.AppendLine(t.Format(key, count));
            }
        }
    }

    /// <summary>
    /// Removes the member's words everywhere the bot keeps them (answers, lead edits of their items, stored weeknotes)
    /// and their ids from conversation rows, delivery records and waiting choices. The roster rows stay, without
    /// contact details: Teams lists the person in the team anyway, and "stop" must survive erasure.
    /// </summary>
    public async Task<ErasureReport> EraseAsync(string userId, CancellationToken cancellationToken)
    {
        var (weeks, leadEdits, editionCount, markers, publicEditions, questionCount) = (0, 0, 0, 0, 0, 0);
        foreach (var held in await HeldAsync(userId, cancellationToken))
        {
            // The public pages first: what the world can read goes before anything else.
            publicEditions += await openWeeknotes.EraseMemberAsync(held.SquadId, userId, cancellationToken);

            // Words first from the weeknotes (they are found by the answers and edits about to go), then the edits, then the answers.
            foreach (var (week, _, stored) in held.Entries)
            {
                // The stored split of the week's channel post holds their words too: gone, so a part not posted yet is made from what remains.
                await postSnapshots.DeleteAsync(EntryStore.Partition(held.SquadId, week), cancellationToken);
                if (await editions.GetAsync(held.SquadId, week, cancellationToken) is { } edition)
                {
                    var (edits, _) = await cycle.GetDraftAsync(held.SquadId, week, cancellationToken);
                    var removed = WeeknoteMarkdown.RemoveItems(edition.Markdown, ItemsOf(stored.Entry, edits));
                    if (removed != edition.Markdown)
                    {
                        edition.Markdown = removed;
                        await editions.SaveAsync(held.SquadId, week, edition, cancellationToken);
                        editionCount++;
                    }
                }
            }

            foreach (var week in held.DraftWeeks)
            {
                leadEdits += await RemoveLeadEditsAsync(held.SquadId, week, userId, cancellationToken);

                // Their hides and edits left the draft, so the week's channel post shows an earlier version (status says
                // so): the publish step, due again, corrects it in place inside its catch-up window.
                if ((await cycle.LoadWeekAsync(held.SquadId, week, cancellationToken)).PostShowsEarlierDraft)
                {
                    await cycle.ReopenStepAsync(held.SquadId, week, CycleStep.Publish, cancellationToken);
                }
            }

            weeks += await entries.DeleteAsync(held.Entries, cancellationToken);
            markers += await cycle.DeleteAsync(await cycle.ListSendsToAsync(held.SquadId, userId, cancellationToken), cancellationToken);

            // A lead's resolve marks hold no words (a fingerprint), but they are about the member's blockers: they go too.
            await cycle.DeleteAsync(held.ResolvedMarks, cancellationToken);

            // The marks they made as a lead on others' blockers stay (the blockers are still resolved), without their id.
            await cycle.ForgetResolverAsync(held.MarksMade, userId, cancellationToken);
            questionCount += await questions.DeleteAsync(held.Questions, cancellationToken);
            if (held.Member is not null)
            {
                await members.ForgetContactDetailsAsync(held.SquadId, userId, cancellationToken);

                // The squad's list of member zones follows the roster left: a zone only they had would point at them.
                await squads.SetMemberTimeZonesAsync(held.SquadId, MemberTimeZones.OfRoster(await members.ListAsync(held.SquadId, cancellationToken)), cancellationToken);
            }

        }

        // Every squad they installed, linked to them or not (an installer who left the team is no longer on its list).
        await squads.ForgetInstallerEverywhereAsync(userId, cancellationToken);

        await conversations.DeleteAsync(ConversationStore.User, userId, cancellationToken);
        await cycle.ForgetAsync(TableKey.Join("user", userId), WelcomeKey, cancellationToken);
        var waiting = await people.DeleteChoicesAsync(userId, cancellationToken);
        await people.ForgetPublicNameAsync(userId, cancellationToken);
        await people.ForgetIfOnNoSquadAsync(userId, cancellationToken);
        return new ErasureReport(weeks, leadEdits, editionCount, markers, waiting) { PublicEditions = publicEditions, Questions = questionCount };
    }

    /// <summary>The member's items as a weeknote renders them: their answer and, where a lead edited it, the edited text.</summary>
    private static IEnumerable<DigestItem> ItemsOf(Entry entry, DigestEdits edits)
    {
        var author = string.IsNullOrWhiteSpace(entry.MemberName) ? "A squad member" : AnswerText.Clean(entry.MemberName);
        foreach (var (sectionId, answer) in entry.Answers.Where(a => !string.IsNullOrWhiteSpace(a.Value)))
        {
            var itemId = DigestComposer.ItemId(entry.MemberId, sectionId);
            if (edits.ItemEdits.TryGetValue(itemId, out var edited))
            {
                yield return new DigestItem(itemId, author, AnswerText.Clean(edited.Text), Hidden: false);
            }

            yield return new DigestItem(itemId, author, AnswerText.Clean(answer), Hidden: false);
        }
    }

    /// <summary>Drops the leads' edits (their rows) and hides of the member's items from one week's draft. Returns how many edits went.</summary>
    private async Task<int> RemoveLeadEditsAsync(string squadId, IsoWeek week, string userId, CancellationToken cancellationToken)
    {
        var removed = await cycle.DeleteLeadEditsOfMemberAsync(EntryStore.Partition(squadId, week), userId, cancellationToken);
        var prefix = DigestComposer.ItemId(userId, "");
        for (var attempt = 0; attempt < 5; attempt++)
        {
            // What is left of the member's edits here comes from a draft stored before edits had rows of their own.
            var (edits, row) = await cycle.GetDraftAsync(squadId, week, cancellationToken);
            var legacy = edits.ItemEdits.Keys.Count(k => k.StartsWith(prefix, StringComparison.Ordinal));
            var kept = edits.ItemEdits.Where(e => !e.Key.StartsWith(prefix, StringComparison.Ordinal)).ToDictionary(StringComparer.Ordinal);
            var hidden = edits.HiddenItemIds.Where(id => !id.StartsWith(prefix, StringComparison.Ordinal)).ToHashSet(StringComparer.Ordinal);
            var withheld = edits.WithheldItemIds.Where(id => !id.StartsWith(prefix, StringComparison.Ordinal)).ToHashSet(StringComparer.Ordinal);
            var editedBy = row?.LastEditedBy == userId ? "" : row?.LastEditedBy ?? "";
            if (row is null || (legacy == 0 && hidden.Count == edits.HiddenItemIds.Count && withheld.Count == edits.WithheldItemIds.Count && editedBy == row.LastEditedBy))
            {
                return removed;
            }

            // "before" already without the member's edits: nothing to delete by row, the rest is rewritten as it is.
            var before = edits with { ItemEdits = kept };
            if (await cycle.TrySaveDraftAsync(squadId, week, before, before with { HiddenItemIds = hidden, WithheldItemIds = withheld }, row, editedBy, cancellationToken) == DraftWrite.Saved)
            {
                return removed + legacy;
            }
        }

        throw new ErasureInterruptedException();
    }

    /// <param name="Name">The squad's name; null for a squad that no longer uses UpdateBot.</param>
    private sealed record Held(string SquadId, string? Name, Member? Member, bool IsLead, IReadOnlyList<(IsoWeek Week, EntryRow Row, StoredEntry Stored)> Entries, IReadOnlyList<IsoWeek> DraftWeeks, int LeadEdits, int Editions, int Markers, IReadOnlyList<QuestionRow> Questions)

    {
        /// <summary>A lead's "resolved" marks on the person's blockers (no words: a fingerprint of each line).</summary>
        public IReadOnlyList<ResolvedBlockerRow> ResolvedMarks { get; init; } = [];

        /// <summary>The "resolved" marks the person made as a lead on other members' blockers (each holds their id as <see cref="ResolvedBlockerRow.ResolvedBy"/>).</summary>
        public IReadOnlyList<ResolvedBlockerRow> MarksMade { get; init; } = [];
    }

    /// <summary>What is held about the person in each squad they are linked to (removed squads included).</summary>
    private async Task<IReadOnlyList<Held>> HeldAsync(string userId, CancellationToken cancellationToken)
    {
        var held = new List<Held>();
        var prefix = DigestComposer.ItemId(userId, "");
        IReadOnlyList<IsoWeek>? answerWeeks = null; // the weeks that have answers, listed once for all the squads
        foreach (var squadId in await people.SquadIdsAsync(userId, cancellationToken))
        {
            var squad = await squads.GetAsync(squadId, cancellationToken);
            var member = await members.GetAsync(squadId, userId, cancellationToken);
            answerWeeks ??= await entries.WeeksWithTablesAsync(cancellationToken);
            var rows = await entries.ListForMemberAsync(squadId, userId, answerWeeks, cancellationToken);
            var draftWeeks = await cycle.ListDraftWeeksAsync(squadId, cancellationToken);
            var leadEdits = 0;
            var inEditions = 0;
            foreach (var week in draftWeeks)
            {
                leadEdits += (await cycle.GetDraftAsync(squadId, week, cancellationToken)).Edits.ItemEdits.Keys.Count(k => k.StartsWith(prefix, StringComparison.Ordinal));
            }

            foreach (var (week, _, stored) in rows)
            {
                if (await editions.GetAsync(squadId, week, cancellationToken) is { } edition)
                {
                    var (edits, _) = await cycle.GetDraftAsync(squadId, week, cancellationToken);
                    inEditions += WeeknoteMarkdown.RemoveItems(edition.Markdown, ItemsOf(stored.Entry, edits)) != edition.Markdown ? 1 : 0;
                }
            }

            var markers = (await cycle.ListSendsToAsync(squadId, userId, cancellationToken)).Count;
            var asked = await questions.ListForPersonAsync(squadId, userId, cancellationToken);
            held.Add(new Held(squadId, squad?.Settings.Name, member, squad?.IsLead(userId) == true, rows, draftWeeks, leadEdits, inEditions, markers, asked)
            {
                ResolvedMarks = await cycle.ListResolvedBlockersOfAsync(squadId, userId, cancellationToken),
                MarksMade = await cycle.ListResolvedBlockersByAsync(squadId, userId, cancellationToken),
            });
        }

        return held;
    }
}
