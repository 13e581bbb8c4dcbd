using UpdateBot.Cards;
using UpdateBot.Deliveries;
using UpdateBot.Domain;
using UpdateBot.Localisation;
using UpdateBot.Hosting;
using UpdateBot.Messaging;
using UpdateBot.Storage;
using UpdateBot.Teams.Cards;
using UpdateBot.Teams.Connector;
using UpdateBot.Turns;

namespace UpdateBot.Digests;

/// <summary>How a publish attempt ended.</summary>
public enum PublishState
{
    /// <summary>Posted now.</summary>
    Published,

    /// <summary>Posted earlier; nothing was posted again.</summary>
    AlreadyPublished,

    /// <summary>Another publish of the week is under way, or parts of a long weeknote still wait to be posted.</summary>
    InProgress,

    /// <summary>The post may have reached the channel (timeout, 5xx): never posted again automatically; the leads are told.</summary>
    Unconfirmed,

    /// <summary>Nothing was posted and it is worth trying again (throttled, Teams unreachable): tried again automatically.</summary>
    Failed,

    /// <summary>Teams refused the post for good (403, 404, 413: the app or the channel is gone); the leads are told.</summary>
    Refused,
}

/// <param name="PartsPending">Continuation parts of a long weeknote still waiting to be posted (retried in their place).</param>
/// <param name="NoticesPending">Notices to leads about an unconfirmed or refused post still waiting to be sent.</param>
public sealed record PublishResult(PublishState State, int Edition, string? Detail, int PartsPending = 0, int NoticesPending = 0)
{
    /// <summary>The post is out, but a correction of it has still not reached Teams (tried again while the step is due).</summary>
    public bool CorrectionPending => Correction.IsPending();

    /// <summary>What a correction made while publishing did, said after the result (nothing when none was needed).</summary>
    public PostCorrection Correction { get; init; }

    /// <summary>The code of Teams' reason beside <see cref="Detail"/> (null when the post's marker has none): said in the lead's language.</summary>
    public string? DetailCode { get; init; }

    /// <summary>True when nothing more will happen automatically: posted in full (and corrected), or settled and the leads told.</summary>
    public bool IsSettled => (State is PublishState.Unconfirmed or PublishState.Refused && NoticesPending == 0)
        || (State is PublishState.Published or PublishState.AlreadyPublished && PartsPending == 0 && !CorrectionPending);

    /// <summary>
    /// What a lead is told in <paramref name="t"/>'s language, wherever they asked to publish (a command or the review
    /// card), with Teams' reason in it too when it was stored with its code (else <see cref="Detail"/> as recorded).
    /// </summary>
    public string Describe(Texts t) => State switch
    {
        PublishState.Published => t.Format("Publish.Published", Edition) + (Details(t) is { } published ? " " + published : ""),
        PublishState.AlreadyPublished => t.Format("Publish.AlreadyPublished", Edition) + (Details(t) is { } already ? " " + already : ""),
        PublishState.InProgress => t.Format("Publish.InProgress", Edition, Commands.Word(CommandKind.Status, t.Language)),
        PublishState.Unconfirmed => t.Format("Publish.Unconfirmed", Edition, Why(t), Commands.Word(CommandKind.SendAgain, t.Language)),
        PublishState.Refused => t.Format("Publish.Refused", Edition, Why(t), Commands.Word(CommandKind.Publish, t.Language)),
        _ => t.Format("Publish.Failed", Why(t), Commands.Word(CommandKind.Publish, t.Language)),
    };

    private string? Why(Texts t) => t.Reason(DetailCode, Detail);

    /// <summary>Teams' reason when the post failed; after a post, the parts still waiting and what a correction did.</summary>
    public string? Details(Texts t)
    {
        if (State is not (PublishState.Published or PublishState.AlreadyPublished))
        {
            return Why(t);
        }

        var parts = PartsPending > 0 ? t.Count("Publish.PartsWaiting", PartsPending) : null;
        var correction = Correction.Describe(t);
        return parts is null ? correction : correction is null ? parts : parts + " " + correction;
    }
}

/// <summary>How a review change ended: <paramref name="Saved"/> when the draft changed (a published weeknote then needs correcting).</summary>
/// <param name="Problem">What the lead should know when nothing was saved; null when there was nothing to say.</param>
public sealed record DraftSave(bool Saved, string? Problem);

/// <summary>How a correction of the published channel post ended.</summary>
public enum PostCorrection
{
    /// <summary>Nothing to correct, or corrected: the channel shows the latest version.</summary>
    None,

    /// <summary>Made while publishing: the post shows the edits made while it was being posted.</summary>
    ShowsEditsMadeWhilePosting,

    /// <summary>Made while publishing: the post now shows the latest version of the draft.</summary>
    ShowsLatest,

    /// <summary>The post is on its way; the publish that sends it corrects it.</summary>
    PostBeingSent,

    /// <summary>Teams did not take the update; the post may show an earlier version.</summary>
    NotTaken,

    /// <summary>The draft kept changing while the post was being updated.</summary>
    KeptChanging,
}

public static class PostCorrections
{
    /// <summary>True while the channel may not show the latest version.</summary>
    public static bool IsPending(this PostCorrection correction) => correction is PostCorrection.PostBeingSent or PostCorrection.NotTaken or PostCorrection.KeptChanging;

    /// <summary>What the lead is told in <paramref name="t"/>'s language; null when there is nothing to say.</summary>
    public static string? Describe(this PostCorrection correction, Texts t) => correction switch
    {
        PostCorrection.ShowsEditsMadeWhilePosting => t["Publish.ShowsEditsWhilePosting"],
        PostCorrection.ShowsLatest => t["Publish.ShowsLatest"],
        PostCorrection.PostBeingSent => t["Card.PostSending"],
        PostCorrection.NotTaken => t.Format("Card.PostCorrectionRefused", Commands.Word(CommandKind.Publish, t.Language), Commands.Word(CommandKind.Status, t.Language)),
        PostCorrection.KeptChanging => t["Card.PostKeptChanging"],
        _ => null,
    };
}

/// <summary>
/// Compiling the week into a digest, the lead's review edits, publishing exactly once, corrections in place,
/// Markdown export and history (issue 4).
/// </summary>
public sealed partial class DigestService(
    EntryStore entries,
    MemberStore members,
    CycleStore cycle,
    SquadStore squads,
    EditionStore editions,
    PostSnapshotStore snapshots,
    Messenger messenger,
    DeliveryEngine delivery,
    BotMetrics metrics,
    TimeProvider time,
    OpenWeeknoteService openWeeknotes,
    ILogger<DigestService> logger)
{
    private const int MaxEditAttempts = 5;

    /// <summary>The digest as it stands: answers so far (late ones included), the leads' edits applied.</summary>
    public async Task<Digest> ComposeAsync(Squad squad, IsoWeek week, CancellationToken cancellationToken, int? edition = null) =>
        (await ComposeWithDraftAsync(squad, week, edition, cancellationToken)).Digest;

    /// <summary>The digest and the draft row it was made from (whose version a channel post keeps, <see cref="MarkerRow.ShownDraft"/>).</summary>
    private async Task<(Digest Digest, DraftRow? Draft)> ComposeWithDraftAsync(Squad squad, IsoWeek week, int? edition, CancellationToken cancellationToken)
    {
        var stored = await entries.ListAsync(squad.Id, week, cancellationToken);
        var roster = await members.ListAsync(squad.Id, cancellationToken);
        var (edits, draft) = await cycle.GetDraftAsync(squad.Id, week, cancellationToken);
        if (edition is null)
        {
            var post = await cycle.GetMarkerAsync(squad.Id, week, CycleStore.PostKey, cancellationToken);
            edition = post is { Edition: > 0 } ? post.Edition : squad.PublishedEditions + 1;
        }

        var weekEntries = stored.Select(s => s.Entry).ToList();
        var participation = Participation(roster, weekEntries);
        var digest = DigestComposer.Compose(squad.Settings, week, edition.Value, weekEntries, participation, edits);
        return (Continuity.WithAges(digest, await BlockerAgesAsync(squad, week, weekEntries, cancellationToken)), draft);
    }

    /// <summary>
    /// How long each blocker of the week has been open (<see cref="Continuity.Age"/>): earlier weeks are read one
    /// partition at a time, only while some blocker is still being repeated, at most <see cref="Continuity.LookBackWeeks"/>.
    /// </summary>
    private async Task<BlockerAges> BlockerAgesAsync(Squad squad, IsoWeek week, IReadOnlyList<Entry> weekEntries, CancellationToken cancellationToken)
    {
        if (!weekEntries.Any(e => e.Status == EntryStatus.Answered && Continuity.BlockerLines(e.Answers.GetValueOrDefault(Continuity.BlockersSectionId)).Count > 0))
        {
            return BlockerAges.None;
        }

        var marks = new List<BlockerMark>(await cycle.ListResolvedBlockersAsync(squad.Id, week, cancellationToken));
        var earlier = new List<(IsoWeek Week, IReadOnlyList<Entry> Entries)>();
        var ages = Continuity.Age(week, weekEntries, earlier, marks);
        for (var back = week.Previous(); ages.NeedsEarlierWeek; back = back.Previous())
        {
            earlier.Add((back, (await entries.ListAsync(squad.Id, back, cancellationToken)).Select(s => s.Entry).ToList()));
            marks.AddRange(await cycle.ListResolvedBlockersAsync(squad.Id, back, cancellationToken));
            ages = Continuity.Age(week, weekEntries, earlier, marks);
        }

        return ages;
    }

    /// <summary>
    /// Marks one blocker of an item resolved (or open again) for this week; a published weeknote is corrected in place,
    /// as for any other review change. Only a blocker the draft has can be marked.
    /// </summary>
    /// <returns>Null when done; otherwise what the lead should know.</returns>
    public async Task<string?> ResolveBlockerAsync(Squad squad, IsoWeek week, string leadId, string itemId, string key, bool resolved, CancellationToken cancellationToken)
    {
        var saved = await MarkBlockerAsync(squad, week, leadId, itemId, key, resolved, cancellationToken);
        return saved.Saved ? await CorrectPublishedAsync(squad, week, cancellationToken) : saved.Problem;
    }

    /// <summary>As <see cref="ResolveBlockerAsync"/>, without the correction of a published weeknote (the caller makes it).</summary>
    public async Task<DraftSave> MarkBlockerAsync(Squad squad, IsoWeek week, string leadId, string itemId, string key, bool resolved, CancellationToken cancellationToken)
    {
        var digest = await ComposeAsync(squad, week, cancellationToken);
        var item = digest.Sections.SelectMany(s => s.Items).FirstOrDefault(i => i.ItemId == itemId);
        if (item is null || item.Blockers.All(b => b.Key != key))
        {
            return new DraftSave(false, (await members.TextsForAsync(squad.Id, leadId, cancellationToken))["Card.BlockerGone"]);
        }

        await cycle.SetBlockerResolvedAsync(squad.Id, week, item.MemberId, key, resolved, leadId, cancellationToken);
        return new DraftSave(true, null);
    }

    public static Participation Participation(IReadOnlyList<Member> roster, IReadOnlyList<Entry> weekEntries)
    {
        var byMember = weekEntries.ToDictionary(e => e.MemberId, StringComparer.Ordinal);
        var rostered = roster.Where(m => m.InRoster && !m.OptedOut).ToList();
        int Count(EntryStatus status) => rostered.Count(m => byMember.TryGetValue(m.UserId, out var e) && e.Status == status);
        var contributed = rostered.Count(m => byMember.TryGetValue(m.UserId, out var e) && e.Status == EntryStatus.Answered && e.Answers.Values.Any(v => !string.IsNullOrWhiteSpace(v)));
        var unreachable = rostered.Count(m => m.Reach is ReachStatus.NotInstalled or ReachStatus.BlockedBot && (!byMember.TryGetValue(m.UserId, out var e) || e.Status == EntryStatus.Pending));
        return new Participation(rostered.Count, contributed, Count(EntryStatus.Quiet), Count(EntryStatus.Away), unreachable);
    }

    /// <summary>The review desk cards for one lead: the header first, then the items.</summary>
    public async Task<IReadOnlyList<AdaptiveCard>> ReviewCardsAsync(Squad squad, IsoWeek week, string leadId, CancellationToken cancellationToken)
    {
        var digest = await ComposeAsync(squad, week, cancellationToken);
        var published = await IsPublishedAsync(squad, week, cancellationToken);
        var t = await members.TextsForAsync(squad.Id, leadId, cancellationToken);
        return [ReviewCards.Header(digest, squad.Id, leadId, PublishLine(squad, week, published, t), published, squad.Settings, t), .. ReviewCards.ItemCards(digest, squad.Id, leadId, squad.Settings, t)];
    }

    public async Task<AdaptiveCard> ReviewHeaderAsync(Squad squad, IsoWeek week, string leadId, CancellationToken cancellationToken)
    {
        var digest = await ComposeAsync(squad, week, cancellationToken);
        var published = await IsPublishedAsync(squad, week, cancellationToken);
        var t = await members.TextsForAsync(squad.Id, leadId, cancellationToken);
        return ReviewCards.Header(digest, squad.Id, leadId, PublishLine(squad, week, published, t), published, squad.Settings, t);
    }

    public async Task<AdaptiveCard?> ReviewItemCardAsync(Squad squad, IsoWeek week, string leadId, string itemId, CancellationToken cancellationToken)
    {
        var digest = await ComposeAsync(squad, week, cancellationToken);
        return ReviewCards.CardForItem(digest, squad.Id, leadId, itemId, squad.Settings, await members.TextsForAsync(squad.Id, leadId, cancellationToken));
    }

    /// <summary>Sends the review desk to every lead, once per squad-week. Returns how many got it and how many wait for a retry.</summary>
    public Task<(int Sent, int Retrying)> SendReviewToLeadsAsync(Squad squad, IsoWeek week, CancellationToken cancellationToken) =>
        SendToLeadsOnceAsync(squad, week, IntentKind.ReviewDesk, "Review.Notify", leadId => ReviewCardsAsync(squad, week, leadId, cancellationToken), cancellationToken);

    /// <summary>The one reminder each lead gets when the publish time comes and review is required: the header with its publish button.</summary>
    public Task<(int Sent, int Retrying)> RemindLeadsToPublishAsync(Squad squad, IsoWeek week, CancellationToken cancellationToken) =>
        SendToLeadsOnceAsync(squad, week, IntentKind.PublishReminder, "Review.NotifyPublish", async leadId => [await ReviewHeaderAsync(squad, week, leadId, cancellationToken)], cancellationToken);

    /// <summary>
    /// Sends each lead their cards once per squad-week and kind: each card is its own intent, so a partial send is
    /// completed in place and never repeated. A card waiting for a retry is counted, so the step that asked stays due.
    /// </summary>
    private async Task<(int Sent, int Retrying)> SendToLeadsOnceAsync(
        Squad squad, IsoWeek week, IntentKind kind, string summaryKey, Func<string, Task<IReadOnlyList<AdaptiveCard>>> cardsFor, CancellationToken cancellationToken)
    {
        var sent = 0;
        var retrying = 0;
        foreach (var leadId in squad.Settings.LeadIds)
        {
            IReadOnlyList<AdaptiveCard>? cards = null;
            string? summary = null;
            var complete = true;
            for (var i = 0; cards is null || i < cards.Count; i++)
            {
                var index = i;
                var record = await delivery.DeliverAsync(EntryStore.Partition(squad.Id, week), SendIntent.To(kind, leadId, index).Key, async (_, ct) =>
                {
                    cards ??= await cardsFor(leadId);
                    // Each lead's desk is sent on its own, so its notification line is in that lead's language.
                    summary ??= (await members.TextsForAsync(squad.Id, leadId, ct))[summaryKey];
                    return await messenger.SendToMemberAsync(squad, leadId, cards[index], summary, ct);
                }, cancellationToken);
                if (record.IsPending)
                {
                    retrying++;
                    complete = false;
                    break;
                }

                if (index == 0 && !record.IsDelivered)
                {
                    // The first card never arrived for good (unreachable or unconfirmed): the rest would make no sense alone.
                    complete = false;
                    break;
                }

                cards ??= await cardsFor(leadId);
            }

            sent += complete ? 1 : 0;
        }

        return (sent, retrying);
    }

    /// <summary>
    /// Tells each lead once, 1:1, about something the bot could not do in the channel, with what to do about it.
    /// </summary>
    /// <returns>How many notices wait for a retry (the step that asked stays due until they are settled).</returns>
    private async Task<int> NotifyLeadsOnceAsync(Squad squad, IsoWeek week, IntentKind kind, Func<Texts, AdaptiveCard> notice, CancellationToken cancellationToken)
    {
        var pending = 0;
        foreach (var leadId in squad.Settings.LeadIds)
        {
            // Each lead's notice in their own language (it is sent to each on its own).
            var record = await delivery.DeliverAsync(EntryStore.Partition(squad.Id, week), SendIntent.To(kind, leadId).Key,
                async (_, ct) =>
                {
                    var card = notice(await members.TextsForAsync(squad.Id, leadId, ct));
                    return await messenger.SendToMemberAsync(squad, leadId, card, card.FallbackText, ct);
                }, cancellationToken);
            pending += record.IsPending ? 1 : 0;
        }

        return pending;
    }

    /// <summary>
    /// Applies one review edit against the latest draft, refusing it if another lead changed the same thing first; a
    /// published weeknote is corrected in place.
    /// </summary>
    /// <returns>Null when done; otherwise what the lead should know.</returns>
    public async Task<string?> EditAsync(Squad squad, IsoWeek week, string leadId, Func<DigestEdits, Digest, DigestEdits?> change, CancellationToken cancellationToken)
    {
        var saved = await SaveEditAsync(squad, week, leadId, change, cancellationToken);
        return saved.Saved ? await CorrectPublishedAsync(squad, week, cancellationToken) : saved.Problem;
    }

    /// <summary>As <see cref="EditAsync"/>, without the correction of a published weeknote (the caller makes it).</summary>
    public async Task<DraftSave> SaveEditAsync(Squad squad, IsoWeek week, string leadId, Func<DigestEdits, Digest, DigestEdits?> change, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < MaxEditAttempts; attempt++)
        {
            var (edits, row) = await cycle.GetDraftAsync(squad.Id, week, cancellationToken);
            var digest = await ComposeAsync(squad, week, cancellationToken);
            var updated = change(edits, digest);
            if (updated is null)
            {
                return new DraftSave(false, (await members.TextsForAsync(squad.Id, leadId, cancellationToken))["Card.EditedMeanwhile"]);
            }

            if (ReferenceEquals(updated, edits))
            {
                // Nothing to change (the caller refused it, or it is already so): nothing is written.
                return new DraftSave(false, null);
            }

            switch (await cycle.TrySaveDraftAsync(squad.Id, week, edits, updated, row, leadId, cancellationToken))
            {
                case DraftWrite.Saved:
                    return new DraftSave(true, null);
                case DraftWrite.TooLarge:
                    return new DraftSave(false, (await members.TextsForAsync(squad.Id, leadId, cancellationToken)).Format("Card.DraftTooLarge", Texts.Number(StoredText.MaxPropertyChars)));
            }
        }

        return new DraftSave(false, (await members.TextsForAsync(squad.Id, leadId, cancellationToken))["Card.DraftBusy"]);
    }

    public async Task<bool> IsPublishedAsync(Squad squad, IsoWeek week, CancellationToken cancellationToken) =>
        (await cycle.GetMarkerAsync(squad.Id, week, CycleStore.PostKey, cancellationToken))?.State == MarkerStates.Sent;

    /// <summary>
    /// Posts the weeknote to the squad's channel: exactly one post per squad-week, whatever happens (two leads pressing
    /// publish, a retried invoke, the scheduler on another instance, a timeout after Teams took the post). The post and
    /// each continuation part of a long weeknote are intents of the delivery engine: a part that failed is posted in its
    /// place later; a post that may have arrived is never posted again automatically, and a refused one is reported to
    /// the leads once, with what to do.
    /// </summary>
    public async Task<PublishResult> PublishAsync(Squad squad, IsoWeek week, string publishedBy, CancellationToken cancellationToken)
    {
        var partition = EntryStore.Partition(squad.Id, week);
        Digest? posted = null;
        IReadOnlyList<string>? split = null;
        var root = await delivery.DeliverAsync(partition, CycleStore.PostKey, async (marker, ct) =>
        {
            // "Update N" is decided once, for the week, and written with the claim: every retry posts the same N.
            marker.Edition = marker.Edition > 0 ? marker.Edition : await squads.TakeEditionAsync(squad.Id, week, ct);
        }, async (marker, ct) =>
        {
            (posted, var draft) = await ComposeWithDraftAsync(squad, week, marker.Edition, ct);
            marker.ShownDraft = CycleStore.DraftVersion(draft);

            // The parts as split now are the post: stored before the first goes out, so every later part (and every
            // retry of one) comes from this split, whatever happens to the digest meanwhile.
            split = DigestCards.ChannelCards(posted, squad.Id, squad.Settings.Headings).Select(CardJson.Serialize).ToList();
            await snapshots.SaveAsync(partition, split, ct);
            return await messenger.PostToChannelAsync(squad, CardJson.Parse(split[0]), DigestCards.NotificationSummary(posted, squad.Settings.Headings), ct);
        }, cancellationToken);
        var edition = root.Marker.Edition;

        switch (root.State)
        {
            case SendState.InFlight:
                return new PublishResult(PublishState.InProgress, edition, "Another publish of this week is under way.");
            case SendState.Retry:
                LogPublishFailed(logger, root.Delivery?.Reach, root.Marker.Detail);
                return new PublishResult(PublishState.Failed, edition, root.Marker.Detail) { DetailCode = root.Marker.DetailCode };
            case SendState.Unconfirmed:
                var unconfirmedNotices = await NotifyLeadsOnceAsync(squad, week, IntentKind.PostUnconfirmedNotice, t => NoticeCards.PostUnconfirmed(edition, t.Reason(root.Marker.DetailCode, root.Marker.Detail), t), cancellationToken);
                return new PublishResult(PublishState.Unconfirmed, edition, root.Marker.Detail, NoticesPending: unconfirmedNotices) { DetailCode = root.Marker.DetailCode };
            case SendState.Unreachable or SendState.AlreadySent when root.Marker.State == MarkerStates.Unreachable:
                var refusedNotices = await NotifyLeadsOnceAsync(squad, week, IntentKind.PostRefusedNotice, t => NoticeCards.PostRefused(edition, t.Reason(root.Marker.DetailCode, root.Marker.Detail), t), cancellationToken);
                return new PublishResult(PublishState.Refused, edition, root.Marker.Detail, NoticesPending: refusedNotices) { DetailCode = root.Marker.DetailCode };
            case SendState.AlreadySent when root.Marker.State != MarkerStates.Sent:
                return new PublishResult(PublishState.Failed, edition, root.Marker.Detail) { DetailCode = root.Marker.DetailCode };
        }

        // The post is in the channel (now or earlier): every continuation part follows, each exactly once, from the
        // stored split. A week published before snapshots were kept (or whose snapshot an erasure removed) is split now.
        var digestNow = posted ?? await ComposeAsync(squad, week, cancellationToken, edition);
        split ??= await snapshots.GetAsync(partition, cancellationToken) ?? DigestCards.ChannelCards(digestNow, squad.Id, squad.Settings.Headings).Select(CardJson.Serialize).ToList();
        var pending = 0;
        for (var i = 1; i < split.Count; i++)
        {
            var card = split[i];
            var part = await delivery.DeliverAsync(partition, SendIntent.PostPart(i).Key,
                (_, ct) => messenger.SendCardAsync(squad.ServiceUrl, root.Marker.ConversationId!, CardJson.Parse(card), ct), cancellationToken);
            pending += part.IsPending ? 1 : 0;
        }

        if (root.State == SendState.Sent)
        {
            metrics.DigestPublished();
            LogPublished(logger, edition, publishedBy);
        }

        // Recorded after the post, and again by any later call until it is there (a storage blip must not lose it from history).
        if (await editions.GetAsync(squad.Id, week, cancellationToken) is null)
        {
            await editions.SaveAsync(squad.Id, week, new EditionRow
            {
                Edition = edition,
                Title = digestNow.Title,
                DateRange = digestNow.DateRange,
                Participation = digestNow.ParticipationLine,
                ConversationId = root.Marker.ConversationId,
                ActivityId = root.Marker.ActivityId,
                Markdown = WeeknoteMarkdown.Render(digestNow),
                PublishedAt = time.GetUtcNow(),
            }, cancellationToken);
        }

        // The open edition likewise, made from the same digest as the post (nothing when the squad does not publish openly).
        await openWeeknotes.SaveAsync(squad, digestNow, cancellationToken);

        var correction = PostCorrection.None;
        if (root.Marker.ShownDraft is { } shown && shown != CycleStore.DraftVersion((await cycle.GetDraftAsync(squad.Id, week, cancellationToken)).Row))
        {
            // A correction that Teams refused or a stopped instance never made (status shows it), or an edit saved while
            // this post was on its way (its own correction found nothing in the channel yet): made now, in place.
            var left = await CorrectAsync(squad, week, cancellationToken);
            correction = left != PostCorrection.None ? left : root.State == SendState.Sent ? PostCorrection.ShowsEditsMadeWhilePosting : PostCorrection.ShowsLatest;
        }

        var state = root.State == SendState.Sent ? PublishState.Published : PublishState.AlreadyPublished;
        return new PublishResult(state, edition, null, pending) { Correction = correction };
    }

    /// <summary>
    /// A lead's publish (the command or the review card): as <see cref="PublishAsync"/>, and a post Teams refused for
    /// good is tried again, since the lead was told to fix the cause and then say publish (the schedule never retries it).
    /// </summary>
    public async Task<PublishResult> PublishByLeadAsync(Squad squad, IsoWeek week, string leadName, CancellationToken cancellationToken)
    {
        await cycle.ReleaseRefusedAsync(EntryStore.Partition(squad.Id, week), CycleStore.PostKey, cancellationToken);
        return await PublishAsync(squad, week, leadName, cancellationToken);
    }

    /// <summary>
    /// After publishing, a lead's correction updates in place, for everyone (docs/protocol.md, "Updating a card in
    /// place"), exactly the parts that differ from the stored snapshot of what the channel shows, then stores the new
    /// snapshot. A part whose update Teams did not take keeps its old snapshot, so the next correction tries it again.
    /// Parts that a correction made unnecessary are replaced by a short note, so they never keep showing an old
    /// (perhaps hidden) item. When two corrections race, the one that finishes last sees the draft moved on and
    /// updates again, so the channel always ends on the latest version.
    /// </summary>
    /// <returns>Null when the channel shows the latest version; otherwise what the lead should know, in <paramref name="texts"/>' language.</returns>
    public async Task<string?> CorrectPublishedAsync(Squad squad, IsoWeek week, CancellationToken cancellationToken, Texts? texts = null) =>
        (await CorrectAsync(squad, week, cancellationToken)).Describe(texts ?? Texts.English);

    /// <summary>As <see cref="CorrectPublishedAsync"/>, saying how it ended rather than what to tell the lead.</summary>
    private async Task<PostCorrection> CorrectAsync(Squad squad, IsoWeek week, CancellationToken cancellationToken)
    {
        // The channel's copy is the bot's own work, not the lead's answer: it never takes a slot ahead of anyone's turn.
        using var background = ConnectorTraffic.Use(ConnectorPriority.Background);
        var partition = EntryStore.Partition(squad.Id, week);
        var post = await cycle.GetMarkerAsync(squad.Id, week, CycleStore.PostKey, cancellationToken);
        if (post is { State: MarkerStates.Sending })
        {
            // The post is on its way, made from an earlier draft: the publish that sends it compares the draft once it is
            // in and corrects it; should that instance stop first, the publish step, due again, does.
            await cycle.ReopenStepAsync(squad.Id, week, CycleStep.Publish, cancellationToken);
            return PostCorrection.PostBeingSent;
        }

        if (post is not { State: MarkerStates.Sent, ConversationId: not null, ActivityId: not null })
        {
            return PostCorrection.None;
        }

        // The publish step runs again on the next tick (inside its catch-up window): should this correction not reach
        // Teams, or this instance stop before making it, that run makes it; once it is in, the run finds nothing to do.
        await cycle.ReopenStepAsync(squad.Id, week, CycleStep.Publish, cancellationToken);

        for (var attempt = 0; attempt < MaxEditAttempts; attempt++)
        {
            var (_, draftBefore) = await cycle.GetDraftAsync(squad.Id, week, cancellationToken);
            var digest = await ComposeAsync(squad, week, cancellationToken, post.Edition);
            var wanted = DigestCards.ChannelCards(digest, squad.Id, squad.Settings.Headings).Select(CardJson.Serialize).ToList();
            var merged = CardJson.Serialize(DigestCards.MergedIntoPost(digest, squad.Settings.Headings));

            // What the channel shows, part by part (null: not known, so every part is updated).
            var shown = await snapshots.GetAsync(partition, cancellationToken);
            var parts = await cycle.ListPartsAsync(partition, cancellationToken);
            var inChannel = parts.Where(p => p.Value.State is MarkerStates.Sent or MarkerStates.Sending or MarkerStates.Unconfirmed).Select(p => p.Key + 1);
            var count = Math.Max(wanted.Count, inChannel.DefaultIfEmpty(0).Max());

            var next = new List<string>(count);
            var stale = 0;
            for (var i = 0; i < count; i++)
            {
                var want = i < wanted.Count ? wanted[i] : merged;
                var was = shown is not null && i < shown.Count ? shown[i] : null;
                if (was == want)
                {
                    next.Add(want);
                    continue;
                }

                var activityId = i == 0 ? post.ActivityId : parts.GetValueOrDefault(i) is { State: MarkerStates.Sent, ActivityId: { } partId } ? partId : null;
                if (activityId is null)
                {
                    // A part not in the channel yet (or unconfirmed): posted in its place, exactly once, with this version.
                    var added = await delivery.DeliverAsync(partition, SendIntent.PostPart(i).Key,
                        (_, ct) => messenger.SendCardAsync(squad.ServiceUrl, post.ConversationId, CardJson.Parse(want), ct), cancellationToken);
                    activityId = added is { State: SendState.AlreadySent, Marker: { State: MarkerStates.Sent, ActivityId: { } sentId } } ? sentId : null;
                    if (activityId is null)
                    {
                        next.Add(want);
                        stale += added.IsDelivered ? 0 : 1;
                        continue;
                    }
                }

                // Sent earlier (perhaps from an older snapshot): updated in place; a refused update keeps what the channel shows.
                var updated = (await messenger.UpdateCardAsync(squad.ServiceUrl, post.ConversationId, activityId, CardJson.Parse(want), cancellationToken)).Delivered;
                next.Add(updated ? want : was ?? "");
                stale += updated ? 0 : 1;
            }

            await snapshots.SaveAsync(partition, next, cancellationToken);
            foreach (var unneeded in parts.Keys.Where(i => i >= count))
            {
                await cycle.ForgetUnsentPartAsync(partition, SendIntent.PostPart(unneeded).Key, cancellationToken);
            }

            var (_, draftAfter) = await cycle.GetDraftAsync(squad.Id, week, cancellationToken);
            if (draftAfter?.ETag != draftBefore?.ETag)
            {
                continue;
            }

            if (await editions.GetAsync(squad.Id, week, cancellationToken) is { } edition)
            {
                edition.Markdown = WeeknoteMarkdown.Render(digest);
                edition.Participation = digest.ParticipationLine;
                await editions.SaveAsync(squad.Id, week, edition, cancellationToken);
            }

            // A correction (an edit, a hide, a withheld item) updates the open edition too.
            await openWeeknotes.SaveAsync(squad, digest, cancellationToken);

            if (stale == 0)
            {
                // Last, so that a failure anywhere before leaves the post reported as out of date (status, publish).
                await cycle.MarkPostShowsAsync(squad.Id, week, CycleStore.DraftVersion(draftBefore), cancellationToken);
                return PostCorrection.None;
            }

            return PostCorrection.NotTaken;
        }

        return PostCorrection.KeptChanging;
    }

    /// <summary>The Markdown weeknote: the published edition when there is one, else the current draft.</summary>
    public async Task<string> ExportAsync(Squad squad, IsoWeek week, CancellationToken cancellationToken)
    {
        var edition = await editions.GetAsync(squad.Id, week, cancellationToken);
        if (edition is not null)
        {
            return edition.Markdown;
        }

        return WeeknoteMarkdown.Render(await ComposeAsync(squad, week, cancellationToken));
    }

    /// <summary>
    /// The public Markdown of a week (<c>export public</c>): the open edition as published, else what publishing now
    /// would make public. Null when the squad does not publish openly.
    /// </summary>
    public async Task<string?> ExportPublicAsync(Squad squad, IsoWeek week, CancellationToken cancellationToken) =>
        await openWeeknotes.ExportAsync(squad, await ComposeAsync(squad, week, cancellationToken), cancellationToken);

    public Task<IReadOnlyList<EditionRow>> HistoryAsync(Squad squad, CancellationToken cancellationToken) =>
        editions.ListAsync(squad.Id, 10, cancellationToken);

    public string PublishLine(Squad squad, IsoWeek week, bool published, Texts? texts = null)
    {
        var t = texts ?? Texts.English;
        if (published)
        {
            return t["Review.PublishLine.Published"];
        }

        var at = PromptCards.FormatLocal(WeeklySchedule.DueAt(squad.Settings.Schedule, squad.TimeZone, week, CycleStep.Publish), squad.TimeZone, t);
        return t.Format(squad.Settings.AutoPublish ? "Review.PublishLine.Auto" : "Review.PublishLine.Waiting", at);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing the weeknote failed: {Reach} {Detail}")]
    private static partial void LogPublishFailed(ILogger logger, ReachStatus? reach, string? detail);

    [LoggerMessage(Level = LogLevel.Information, Message = "Published Update {Edition} (by {PublishedBy})")]
    private static partial void LogPublished(ILogger logger, int edition, string publishedBy);
}
