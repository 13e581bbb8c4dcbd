using UpdateBot.Cards;
using UpdateBot.Cycle;
using UpdateBot.Domain;
using UpdateBot.Hosting;
using UpdateBot.Messaging;
using UpdateBot.Storage;
using UpdateBot.Teams.Cards;

namespace UpdateBot.Digests;

/// <summary>How a publish attempt ended.</summary>
public enum PublishState
{
    Published,
    AlreadyPublished,
    Unconfirmed,
    Failed,
}

public sealed record PublishResult(PublishState State, int Edition, string? Detail);

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
    Messenger messenger,
    BotMetrics metrics,
    TimeProvider time,
    ILogger<DigestService> logger)
{
    private const int MaxEditAttempts = 5;

    /// <summary>The digest as it stands: answers so far (late ones included), the leads' edits applied.</summary>
    public async Task<Digest> ComposeAsync(Squad squad, IsoWeek week, CancellationToken cancellationToken, int? edition = null)
    {
        var stored = await entries.ListAsync(squad.Id, week, cancellationToken);
        var roster = await members.ListAsync(squad.Id, cancellationToken);
        var (edits, _) = await cycle.GetDraftAsync(squad.Id, week, cancellationToken);
        if (edition is null)
        {
            var post = await cycle.GetMarkerAsync(squad.Id, week, CycleStore.PostKey, cancellationToken);
            edition = post is { Edition: > 0 } ? post.Edition : squad.PublishedEditions + 1;
        }

        var participation = Participation(roster, stored.Select(s => s.Entry).ToList());
        return DigestComposer.Compose(squad.Settings, week, edition.Value, stored.Select(s => s.Entry).ToList(), participation, edits);
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
        return [ReviewCards.Header(digest, squad.Id, leadId, PublishLine(squad, week, published), published), .. ReviewCards.ItemCards(digest, squad.Id, leadId)];
    }

    public async Task<AdaptiveCard> ReviewHeaderAsync(Squad squad, IsoWeek week, string leadId, CancellationToken cancellationToken)
    {
        var digest = await ComposeAsync(squad, week, cancellationToken);
        var published = await IsPublishedAsync(squad, week, cancellationToken);
        return ReviewCards.Header(digest, squad.Id, leadId, PublishLine(squad, week, published), published);
    }

    public async Task<AdaptiveCard?> ReviewItemCardAsync(Squad squad, IsoWeek week, string leadId, string itemId, CancellationToken cancellationToken)
    {
        var digest = await ComposeAsync(squad, week, cancellationToken);
        return ReviewCards.CardForItem(digest, squad.Id, leadId, itemId);
    }

    /// <summary>Sends the review desk to every lead, once per squad-week. Returns how many got it and how many wait for a retry.</summary>
    public Task<(int Sent, int Retrying)> SendReviewToLeadsAsync(Squad squad, IsoWeek week, CancellationToken cancellationToken) =>
        SendToLeadsOnceAsync(squad, week, "review", "Your weeknote draft is ready to review", leadId => ReviewCardsAsync(squad, week, leadId, cancellationToken), cancellationToken);

    /// <summary>The one reminder each lead gets when the publish time comes and review is required: the header with its publish button.</summary>
    public Task<(int Sent, int Retrying)> RemindLeadsToPublishAsync(Squad squad, IsoWeek week, CancellationToken cancellationToken) =>
        SendToLeadsOnceAsync(squad, week, "publishreminder", "The weeknote is waiting for you to publish it", async leadId => [await ReviewHeaderAsync(squad, week, leadId, cancellationToken)], cancellationToken);

    /// <summary>
    /// Sends each lead their cards once per squad-week and kind (a claimed marker per lead). A lead whose send was
    /// throttled or failed is left to retry, and counted, so the step that asked stays due.
    /// </summary>
    private async Task<(int Sent, int Retrying)> SendToLeadsOnceAsync(
        Squad squad, IsoWeek week, string kind, string summary, Func<string, Task<IReadOnlyList<AdaptiveCard>>> cardsFor, CancellationToken cancellationToken)
    {
        var sent = 0;
        var retrying = 0;
        foreach (var leadId in squad.Settings.LeadIds)
        {
            var claim = await cycle.ClaimAsync(squad.Id, week, CycleStore.SendKey(kind, leadId), cancellationToken);
            if (claim.Outcome != ClaimOutcome.Claimed)
            {
                continue;
            }

            Delivery? outcome = null;
            foreach (var card in await cardsFor(leadId))
            {
                var delivery = await messenger.SendToMemberAsync(squad, leadId, card, summary, cancellationToken);
                outcome ??= delivery;
                if (!delivery.Delivered)
                {
                    outcome = delivery;
                    break;
                }
            }

            var state = outcome!.MarkerState;
            await cycle.CompleteAsync(claim.Marker, state, outcome.ConversationId, outcome.ActivityId, outcome.Detail, cancellationToken);
            sent += outcome.Delivered ? 1 : 0;
            retrying += state == MarkerStates.Retry ? 1 : 0;
        }

        return (sent, retrying);
    }

    /// <summary>Applies one review edit against the latest draft, refusing it if another lead changed the same thing first.</summary>
    public async Task<string?> EditAsync(Squad squad, IsoWeek week, string leadId, Func<DigestEdits, Digest, DigestEdits?> change, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < MaxEditAttempts; attempt++)
        {
            var (edits, row) = await cycle.GetDraftAsync(squad.Id, week, cancellationToken);
            var digest = await ComposeAsync(squad, week, cancellationToken);
            var updated = change(edits, digest);
            if (updated is null)
            {
                return "Another lead changed this a moment ago. Here is the latest version; make your change again if it is still needed.";
            }

            if (await cycle.TrySaveDraftAsync(squad.Id, week, updated, row, leadId, cancellationToken))
            {
                await CorrectPublishedAsync(squad, week, cancellationToken);
                return null;
            }
        }

        return "The draft kept changing; please try again.";
    }

    public async Task<bool> IsPublishedAsync(Squad squad, IsoWeek week, CancellationToken cancellationToken) =>
        (await cycle.GetMarkerAsync(squad.Id, week, CycleStore.PostKey, cancellationToken))?.State == MarkerStates.Sent;

    /// <summary>
    /// Posts the weeknote to the squad's channel: exactly one post per squad-week, whatever happens (two leads pressing
    /// publish, a retried invoke, the scheduler on another instance). A crash between posting and recording the post is
    /// reported as unconfirmed rather than risking a second post.
    /// </summary>
    public async Task<PublishResult> PublishAsync(Squad squad, IsoWeek week, string publishedBy, CancellationToken cancellationToken)
    {
        var claim = await cycle.ClaimAsync(squad.Id, week, CycleStore.PostKey, cancellationToken);
        switch (claim.Outcome)
        {
            case ClaimOutcome.AlreadyDone:
                return new PublishResult(PublishState.AlreadyPublished, claim.Marker.Edition, null);
            case ClaimOutcome.Unconfirmed:
                return new PublishResult(PublishState.Unconfirmed, claim.Marker.Edition, claim.Marker.Detail);
        }

        var marker = claim.Marker;
        var edition = marker.Edition > 0 ? marker.Edition : await squads.TakeNextEditionAsync(squad.Id, cancellationToken);
        marker.Edition = edition;
        var digest = await ComposeAsync(squad, week, cancellationToken, edition);
        var cards = DigestCards.ChannelCards(digest);
        var root = await messenger.PostToChannelAsync(squad, cards[0], DigestCards.NotificationSummary(digest), cancellationToken);
        if (root.Unconfirmed)
        {
            // Teams took the post but its answer could not be read: posting again could show it twice.
            LogPublishFailed(logger, root.Reach, root.Detail);
            await cycle.CompleteAsync(marker, MarkerStates.Unconfirmed, null, null, root.Detail, cancellationToken, edition: edition);
            return new PublishResult(PublishState.Unconfirmed, edition, root.Detail);
        }

        if (!root.Delivered)
        {
            LogPublishFailed(logger, root.Reach, root.Detail);
            // Nothing was posted, so the claim is released: a lead (or the next tick) can try again once the cause is fixed.
            await cycle.CompleteAsync(marker, MarkerStates.Retry, null, null, root.Detail, cancellationToken, edition: edition);
            return new PublishResult(PublishState.Failed, edition, root.Detail);
        }

        var replyIds = new List<string>();
        foreach (var card in cards.Skip(1))
        {
            var reply = await messenger.SendCardAsync(squad.ServiceUrl, root.ConversationId!, card, cancellationToken);
            replyIds.Add(reply.ActivityId ?? "");
        }

        await cycle.CompleteAsync(marker, MarkerStates.Sent, root.ConversationId, root.ActivityId, $"Published by {publishedBy}", cancellationToken, replyIds, edition);
        metrics.DigestPublished();
        await editions.SaveAsync(squad.Id, week, new EditionRow
        {
            Edition = edition,
            Title = digest.Title,
            DateRange = digest.DateRange,
            Participation = digest.ParticipationLine,
            ConversationId = root.ConversationId,
            ActivityId = root.ActivityId,
            Markdown = WeeknoteMarkdown.Render(digest),
            PublishedAt = time.GetUtcNow(),
        }, cancellationToken);
        return new PublishResult(PublishState.Published, edition, null);
    }

    /// <summary>After publishing, a lead's correction updates the posted cards in place for everyone (protocol.md §7.5).</summary>
    public async Task CorrectPublishedAsync(Squad squad, IsoWeek week, CancellationToken cancellationToken)
    {
        var post = await cycle.GetMarkerAsync(squad.Id, week, CycleStore.PostKey, cancellationToken);
        if (post is not { State: MarkerStates.Sent, ConversationId: not null, ActivityId: not null })
        {
            return;
        }

        var digest = await ComposeAsync(squad, week, cancellationToken, post.Edition);
        var cards = DigestCards.ChannelCards(digest);
        await messenger.UpdateCardAsync(squad.ServiceUrl, post.ConversationId, post.ActivityId, cards[0], cancellationToken);
        var replyIds = post.ReplyIdsJson is null ? [] : System.Text.Json.JsonSerializer.Deserialize<List<string>>(post.ReplyIdsJson) ?? [];
        for (var i = 1; i < cards.Count; i++)
        {
            if (i - 1 < replyIds.Count && replyIds[i - 1].Length > 0)
            {
                await messenger.UpdateCardAsync(squad.ServiceUrl, post.ConversationId, replyIds[i - 1], cards[i], cancellationToken);
            }
            else
            {
                var reply = await messenger.SendCardAsync(squad.ServiceUrl, post.ConversationId, cards[i], cancellationToken);
                replyIds.Add(reply.ActivityId ?? "");
            }
        }

        // A correction that made the weeknote shorter: parts no longer needed must not keep showing old (perhaps hidden) items.
        for (var i = cards.Count - 1; i < replyIds.Count; i++)
        {
            if (replyIds[i].Length > 0)
            {
                await messenger.UpdateCardAsync(squad.ServiceUrl, post.ConversationId, replyIds[i], DigestCards.MergedIntoPost(digest), cancellationToken);
            }
        }

        await cycle.CompleteAsync(post, MarkerStates.Sent, null, null, post.Detail, cancellationToken, replyIds, post.Edition);
        var edition = await editions.GetAsync(squad.Id, week, cancellationToken);
        if (edition is not null)
        {
            edition.Markdown = WeeknoteMarkdown.Render(digest);
            edition.Participation = digest.ParticipationLine;
            await editions.SaveAsync(squad.Id, week, edition, cancellationToken);
        }
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

    public Task<IReadOnlyList<EditionRow>> HistoryAsync(Squad squad, CancellationToken cancellationToken) =>
        editions.ListAsync(squad.Id, 10, cancellationToken);

    public string PublishLine(Squad squad, IsoWeek week, bool published)
    {
        if (published)
        {
            return "Published in the channel.";
        }

        var at = PromptCards.FormatLocal(WeeklySchedule.DueAt(squad.Settings.Schedule, squad.TimeZone, week, CycleStep.Publish), squad.TimeZone);
        return squad.Settings.AutoPublish
            ? $"Publishes automatically on {at}. Hide or edit items before then, or publish now."
            : $"Waiting for a lead to publish (due {at}). Answers that arrive meanwhile appear here.";
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing the weeknote failed: {Reach} {Detail}")]
    private static partial void LogPublishFailed(ILogger logger, ReachStatus reach, string? detail);
}
