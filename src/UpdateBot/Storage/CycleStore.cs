using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using UpdateBot.Domain;
using UpdateBot.Localisation;

namespace UpdateBot.Storage;

/// <summary>What a claim on a one-off send found.</summary>
public enum ClaimOutcome
{
    /// <summary>Nobody had sent it: it is ours to send now.</summary>
    Claimed,

    /// <summary>Already sent (or decided): never send again.</summary>
    AlreadyDone,

    /// <summary>
    /// A previous attempt started but never recorded its result (a crash between the send and the write).
    /// It may have gone out, so it is not sent again; it is shown to the lead instead.
    /// </summary>
    Unconfirmed,
}

public sealed record Claim(ClaimOutcome Outcome, MarkerRow Marker);

/// <summary>How a save of the review draft ended.</summary>
public enum DraftWrite
{
    Saved,

    /// <summary>Another lead saved first: re-read and apply the change again.</summary>
    Conflict,

    /// <summary>The edits would not fit storage (<see cref="StoredText"/>): nothing was written.</summary>
    TooLarge,
}

/// <summary>Send states recorded on markers.</summary>
public static class MarkerStates
{
    public const string Sending = "Sending";
    public const string Sent = "Sent";
    public const string Unreachable = "Unreachable";
    public const string Retry = "Retry";
    public const string Unconfirmed = "Unconfirmed";
    public const string Done = "Done";

    /// <summary>A step's work item is on the work queue (or being worked on).</summary>
    public const string Queued = "Queued";

    /// <summary>A step ran but is not finished (sends wait for a retry): the scheduler enqueues it again.</summary>
    public const string Due = "Due";

    /// <summary>A step's work item failed too often and was moved to the poison queue: shown to the leads, not retried automatically.</summary>
    public const string Stopped = "Stopped";
}

/// <summary>
/// Persisted markers that make the weekly cycle idempotent (README, "What it promises, exactly"): one row per step,
/// one per member per kind of send, one for the channel post; plus the lead's review draft and the cycle lease.
/// </summary>
public sealed class CycleStore(Tables tables, TimeProvider time)
{
    /// <summary>How long a "Sending" claim may stand before it is judged abandoned by a crash.</summary>
    public static readonly TimeSpan AbandonedClaimAge = TimeSpan.FromMinutes(5);

    public static string StepKey(CycleStep step) => "step|" + step;


    /// <summary>The row key of the week's channel post.</summary>
    public static readonly string PostKey = SendIntent.Post.Key;

    internal const string DraftKey = "draft";

    /// <summary>Row keys of lead edits start with this; <see cref="LeadEditEnd"/> is the first key after them ('}' follows '|').</summary>
    private const string LeadEditPrefix = "edit|";
    private const string LeadEditEnd = "edit}";

    public async Task<bool> IsStepDoneAsync(string squadId, IsoWeek week, CycleStep step, CancellationToken cancellationToken)
    {
        var row = await tables.Cycle.FindAsync<MarkerRow>(EntryStore.Partition(squadId, week), StepKey(step), cancellationToken);
        return row?.State == MarkerStates.Done;
    }

    /// <summary>Makes a done step due again (it runs on the next tick while inside the catch-up window).</summary>
    public async Task ReopenStepAsync(string squadId, IsoWeek week, CycleStep step, CancellationToken cancellationToken) =>
        await tables.Cycle.DeleteEntityAsync(EntryStore.Partition(squadId, week), StepKey(step), ETag.All, cancellationToken);

    public async Task MarkStepDoneAsync(string squadId, IsoWeek week, CycleStep step, string? detail, CancellationToken cancellationToken)
    {
        var row = new MarkerRow
        {
            PartitionKey = EntryStore.Partition(squadId, week),
            RowKey = StepKey(step),
            State = MarkerStates.Done,
            Detail = detail,
            UpdatedAt = time.GetUtcNow(),
        };
        await tables.Cycle.UpsertEntityAsync(row, Azure.Data.Tables.TableUpdateMode.Replace, cancellationToken);
    }

    /// <summary>The step's marker (done, queued, due or stopped), or null when nothing was recorded for it yet.</summary>
    public Task<MarkerRow?> GetStepAsync(string squadId, IsoWeek week, CycleStep step, CancellationToken cancellationToken) =>
        tables.Cycle.FindAsync<MarkerRow>(EntryStore.Partition(squadId, week), StepKey(step), cancellationToken);

    /// <summary>
    /// The scheduler's claim to enqueue a due step: true when it is neither done, nor stopped, nor already on the work
    /// queue (queued less than <paramref name="requeueAfter"/> ago). Conditional on the row's ETag, so two schedulers
    /// never both enqueue it; a second message would still be harmless (the send intents decide what goes out).
    /// </summary>
    public async Task<bool> TryMarkStepQueuedAsync(string squadId, IsoWeek week, CycleStep step, TimeSpan requeueAfter, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var row = await GetStepAsync(squadId, week, step, cancellationToken);
        if (row is null)
        {
            return await tables.Cycle.TryAddAsync(new MarkerRow { PartitionKey = EntryStore.Partition(squadId, week), RowKey = StepKey(step), State = MarkerStates.Queued, UpdatedAt = now }, cancellationToken);
        }

        if (row.State is MarkerStates.Done or MarkerStates.Stopped || (row.State == MarkerStates.Queued && now - row.UpdatedAt < requeueAfter)
            || (row.State == MarkerStates.Due && row.NotBefore > now))
        {
            return false;
        }

        row.State = MarkerStates.Queued;
        row.UpdatedAt = now;
        return await tables.Cycle.TryReplaceAsync(row, cancellationToken);
    }

    /// <summary>
    /// The step is due again (it ran and is not finished, or its work item could not be enqueued): the scheduler
    /// enqueues it on its next tick, or from <paramref name="notBefore"/> (members whose own time is still to come).
    /// A step done or stopped meanwhile stays so.
    /// </summary>
    public Task MarkStepDueAsync(string squadId, IsoWeek week, CycleStep step, string? detail, CancellationToken cancellationToken, DateTimeOffset? notBefore = null) =>
        UpdateStepAsync(squadId, week, step, row =>
        {
            if (row.State is MarkerStates.Done or MarkerStates.Stopped)
            {
                return false;
            }

            row.State = MarkerStates.Due;
            row.Detail = detail;
            row.DetailCode = null;
            row.NotBefore = notBefore;
            return true;
        }, cancellationToken);

    /// <summary>Notes why the step's last attempt failed (the state is unchanged: the work item is retried).</summary>
    public Task RecordStepFailureAsync(string squadId, IsoWeek week, CycleStep step, string detail, CancellationToken cancellationToken) =>
        UpdateStepAsync(squadId, week, step, row =>
        {
            if (row.State is MarkerStates.Done or MarkerStates.Stopped)
            {
                return false;
            }

            row.Detail = detail;
            row.DetailCode = null;
            return true;
        }, cancellationToken);

    /// <summary>The step's work item went to the poison queue: stopped, with what failed, until a lead runs it (unless it is done).</summary>
    public Task MarkStepStoppedAsync(string squadId, IsoWeek week, CycleStep step, string detail, CancellationToken cancellationToken) =>
        UpdateStepAsync(squadId, week, step, row =>
        {
            if (row.State is MarkerStates.Done)
            {
                return false;
            }

            row.State = MarkerStates.Stopped;
            row.Detail = detail;
            row.DetailCode = null;
            return true;
        }, cancellationToken);

    private async Task UpdateStepAsync(string squadId, IsoWeek week, CycleStep step, Func<MarkerRow, bool> change, CancellationToken cancellationToken)
    {
        var partition = EntryStore.Partition(squadId, week);
        var updated = await tables.Cycle.UpdateAsync<MarkerRow>(partition, StepKey(step), row =>
        {
            var changed = change(row);
            row.UpdatedAt = time.GetUtcNow();
            return changed;
        }, cancellationToken);
        if (updated is null)
        {
            var row = new MarkerRow { PartitionKey = partition, RowKey = StepKey(step), State = MarkerStates.Due, UpdatedAt = time.GetUtcNow() };
            if (change(row) && !await tables.Cycle.TryAddAsync(row, cancellationToken))
            {
                // Written by someone else in between: apply the change to what is there now.
                await tables.Cycle.UpdateAsync<MarkerRow>(partition, StepKey(step), change, cancellationToken);
            }
        }
    }

    /// <summary>
    /// Claims a one-off send (a member's prompt or reminder, a lead's review card, the channel post) so that it
    /// happens at most once across retries, restarts and instances. A marker left in <see cref="MarkerStates.Retry"/>
    /// (throttled, transient failure) can be claimed again.
    /// </summary>
    public Task<Claim> ClaimAsync(string squadId, IsoWeek week, string rowKey, CancellationToken cancellationToken) =>
        ClaimAsync(EntryStore.Partition(squadId, week), rowKey, cancellationToken);

    /// <summary>Claims a one-off send outside any week (a welcome card on install).</summary>
    public Task<Claim> ClaimAsync(string partition, string rowKey, CancellationToken cancellationToken) =>
        ClaimAsync(partition, rowKey, null, cancellationToken);

    /// <summary>
    /// Claims a one-off send. <paramref name="prepare"/> runs just before the claim is written and may annotate the
    /// marker (the channel post's edition number), so what it decides is stored in the same write as the claim.
    /// </summary>
    public async Task<Claim> ClaimAsync(string partition, string rowKey, Func<MarkerRow, CancellationToken, Task>? prepare, CancellationToken cancellationToken)
    {
        while (true)
        {
            var row = await tables.Cycle.FindAsync<MarkerRow>(partition, rowKey, cancellationToken);
            if (row is null)
            {
                row = new MarkerRow { PartitionKey = partition, RowKey = rowKey, State = MarkerStates.Sending, UpdatedAt = time.GetUtcNow() };
                if (prepare is not null)
                {
                    await prepare(row, cancellationToken);
                }

                if (await tables.Cycle.TryAddAsync(row, cancellationToken))
                {
                    return new Claim(ClaimOutcome.Claimed, row);
                }

                continue;
            }

            switch (row.State)
            {
                case MarkerStates.Retry:
                    row.State = MarkerStates.Sending;
                    row.UpdatedAt = time.GetUtcNow();
                    if (prepare is not null)
                    {
                        await prepare(row, cancellationToken);
                    }

                    if (await tables.Cycle.TryReplaceAsync(row, cancellationToken))
                    {
                        return new Claim(ClaimOutcome.Claimed, row);
                    }

                    continue;
                case MarkerStates.Sending when time.GetUtcNow() - row.UpdatedAt > AbandonedClaimAge:
                    row.State = MarkerStates.Unconfirmed;
                    SetReason(row, new DeliveryReason(ReasonCode.UnconfirmedRestart));
                    row.UpdatedAt = time.GetUtcNow();
                    await tables.Cycle.TryReplaceAsync(row, cancellationToken);
                    return new Claim(ClaimOutcome.Unconfirmed, row);
                case MarkerStates.Sending:
                    // Another instance or a concurrent turn is sending right now.
                    return new Claim(ClaimOutcome.AlreadyDone, row);
                case MarkerStates.Unconfirmed:
                    return new Claim(ClaimOutcome.Unconfirmed, row);
                default:
                    return new Claim(ClaimOutcome.AlreadyDone, row);
            }
        }
    }

    /// <summary>The continuation parts of the week's channel post, by index.</summary>
    public async Task<IReadOnlyDictionary<int, MarkerRow>> ListPartsAsync(string partition, CancellationToken cancellationToken) =>
        new WeekMarkers(await tables.Cycle.QueryPartitionAsync<MarkerRow>(partition, cancellationToken)).Intents
            .Where(p => p.Intent is { Kind: IntentKind.ChannelPost, Part: > 0 })
            .ToDictionary(p => p.Intent.Part, p => p.Marker);

    /// <summary>Every send intent of one partition that did not simply go out: waiting to retry, unconfirmed or unreachable.</summary>
    public async Task<IReadOnlyList<(SendIntent Intent, MarkerRow Marker)>> ListUnsettledSendsAsync(string partition, CancellationToken cancellationToken) =>
        new WeekMarkers(await tables.Cycle.QueryPartitionAsync<MarkerRow>(partition, cancellationToken)).Unsettled();

    /// <summary>
    /// Every marker and every reader's question of one squad-week in one partition query, for a reader that needs
    /// several kinds (the status).
    /// </summary>
    public async Task<WeekMarkers> LoadWeekAsync(string squadId, IsoWeek week, CancellationToken cancellationToken) =>
        WeekMarkers.From(await tables.Cycle.QueryPartitionAsync<TableEntity>(EntryStore.Partition(squadId, week), cancellationToken));

    /// <summary>Turns an unconfirmed send back into a pending one (a lead chose to send it again). True when it was unconfirmed.</summary>
    public Task<bool> ReleaseUnconfirmedAsync(string partition, string rowKey, CancellationToken cancellationToken) =>
        ReleaseAsync(partition, rowKey, MarkerStates.Unconfirmed, cancellationToken);

    /// <summary>
    /// Turns a send Teams refused for good back into a pending one: a lead fixed the cause (the app back in the team, a
    /// channel chosen again) and asked for it. The schedule never does this. True when it was refused.
    /// </summary>
    public Task<bool> ReleaseRefusedAsync(string partition, string rowKey, CancellationToken cancellationToken) =>
        ReleaseAsync(partition, rowKey, MarkerStates.Unreachable, cancellationToken);

    private async Task<bool> ReleaseAsync(string partition, string rowKey, string from, CancellationToken cancellationToken)
    {
        var row = await tables.Cycle.FindAsync<MarkerRow>(partition, rowKey, cancellationToken);
        if (row?.State != from)
        {
            return false;
        }

        row.State = MarkerStates.Retry;
        SetReason(row, new DeliveryReason(ReasonCode.SendAgain));
        row.UpdatedAt = time.GetUtcNow();
        return await tables.Cycle.TryReplaceAsync(row, cancellationToken);
    }

    /// <summary>
    /// A part of the channel post that a correction made unnecessary before it ever went out: forgotten, so nothing
    /// waits to send it, and a later correction that needs the part again posts it afresh. Only a part waiting for a
    /// retry is forgotten (conditionally on what was read); one that is in the channel, or may be, is left alone.
    /// </summary>
    public async Task ForgetUnsentPartAsync(string partition, string rowKey, CancellationToken cancellationToken)
    {
        var row = await tables.Cycle.FindAsync<MarkerRow>(partition, rowKey, cancellationToken);
        if (row?.State != MarkerStates.Retry)
        {
            return;
        }

        try
        {
            await tables.Cycle.DeleteEntityAsync(partition, rowKey, row.ETag, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status is 404 or 412)
        {
            // Claimed or changed meanwhile: it is someone else's now.
        }
    }

    /// <summary>Forgets a one-off marker so it can happen again (a welcome after the app is removed and re-added).</summary>
    public async Task ForgetAsync(string partition, string rowKey, CancellationToken cancellationToken) =>
        await tables.Cycle.DeleteEntityAsync(partition, rowKey, Azure.ETag.All, cancellationToken);

    /// <summary>Records how a claimed send ended (only the delivery engine does this).</summary>
    public async Task CompleteAsync(MarkerRow marker, string state, string? conversationId, string? activityId, DeliveryReason? reason, CancellationToken cancellationToken)
    {
        marker.State = state;
        marker.ConversationId = conversationId ?? marker.ConversationId;
        marker.ActivityId = activityId ?? marker.ActivityId;
        SetReason(marker, reason);
        marker.UpdatedAt = time.GetUtcNow();

        // Unconditional: the claim made this row ours.
        await tables.Cycle.UpsertEntityAsync(marker, Azure.Data.Tables.TableUpdateMode.Replace, cancellationToken);
    }

    /// <summary>The reason in English as the detail (what older versions read) and its code beside it, for the reader's language.</summary>
    private static void SetReason(MarkerRow row, DeliveryReason? reason)
    {
        row.Detail = ProblemTexts.StoredDetail(reason);
        row.DetailCode = reason?.Stored;
    }

    /// <summary>The version of a week's review draft: its row's ETag, which every save moves on; "" before any edit.</summary>
    public static string DraftVersion(TableRow? draft) => draft is null ? "" : draft.ETag.ToString();

    /// <summary>Notes on the week's channel post that it (and its saved copies) now show the draft at <paramref name="draftVersion"/>.</summary>
    public Task MarkPostShowsAsync(string squadId, IsoWeek week, string draftVersion, CancellationToken cancellationToken) =>
        tables.Cycle.UpdateEntityAsync(
            new TableEntity(EntryStore.Partition(squadId, week), PostKey) { [nameof(MarkerRow.ShownDraft)] = draftVersion }, ETag.All, TableUpdateMode.Merge, cancellationToken);

    /// <summary>One marker of any partition (a team's welcome), or null.</summary>
    public Task<MarkerRow?> FindMarkerAsync(string partition, string rowKey, CancellationToken cancellationToken) =>
        tables.Cycle.FindAsync<MarkerRow>(partition, rowKey, cancellationToken);

    public async Task<MarkerRow?> GetMarkerAsync(string squadId, IsoWeek week, string rowKey, CancellationToken cancellationToken) =>
        await tables.Cycle.FindAsync<MarkerRow>(EntryStore.Partition(squadId, week), rowKey, cancellationToken);

    /// <summary>All send markers of one kind for a squad-week, keyed by recipient.</summary>
    public async Task<IReadOnlyDictionary<string, MarkerRow>> ListSendsAsync(string squadId, IsoWeek week, IntentKind kind, CancellationToken cancellationToken) =>
        (await LoadWeekAsync(squadId, week, cancellationToken)).Sends(kind);

    /// <summary>Every send marker of one squad addressed to <paramref name="recipient"/>, all weeks (a key-range query).</summary>
    public async Task<IReadOnlyList<MarkerRow>> ListSendsToAsync(string squadId, string recipient, CancellationToken cancellationToken) =>
        (await tables.Cycle.QueryPartitionRangeAsync<MarkerRow>(EntryStore.SquadPrefix(squadId), null, TableClient.CreateQueryFilter($"RowKey ge {"send|"} and RowKey lt {"send}"}"), cancellationToken))
            .Where(r => SendIntent.TryRead(r.RowKey, out var intent) && intent.Recipient == recipient)
            .ToList();

    public Task<int> DeleteAsync(IEnumerable<TableRow> rows, CancellationToken cancellationToken) =>
        tables.Cycle.DeleteInBatchesAsync(rows, cancellationToken);

    /// <summary>Row keys of resolved blockers start with this; <see cref="ResolvedEnd"/> is the first key after them.</summary>
    private const string ResolvedPrefix = "resolved|";
    private const string ResolvedEnd = "resolved}";

    private static string ResolvedKey(string memberId, string key) => ResolvedPrefix + TableKey.Join(memberId, key);

    /// <summary>The blockers a lead marked resolved on the desk of this squad-week (a row-key range in its partition).</summary>
    public async Task<IReadOnlyList<BlockerMark>> ListResolvedBlockersAsync(string squadId, IsoWeek week, CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {EntryStore.Partition(squadId, week)} and RowKey ge {ResolvedPrefix} and RowKey lt {ResolvedEnd}");
        var marks = new List<BlockerMark>();
        await foreach (var row in tables.Cycle.QueryAsync<ResolvedBlockerRow>(filter, cancellationToken: cancellationToken))
        {
            marks.Add(new BlockerMark(week, row.MemberId, row.Key));
        }

        return marks;
    }

    /// <summary>
    /// Marks one member's blocker resolved in this squad-week (<paramref name="resolved"/>), or reopens it. Idempotent.
    /// The channel post shows the mark (its age line), so the draft row is touched in the same transaction: its version
    /// (<see cref="DraftVersion"/>) moves, and a post made before the mark reads as showing an earlier draft until corrected.
    /// </summary>
    public async Task SetBlockerResolvedAsync(string squadId, IsoWeek week, string memberId, string key, bool resolved, string leadId, CancellationToken cancellationToken)
    {
        var partition = EntryStore.Partition(squadId, week);
        var now = time.GetUtcNow();
        var mark = resolved
            ? new TableTransactionAction(TableTransactionActionType.UpsertReplace, new ResolvedBlockerRow
            {
                PartitionKey = partition,
                RowKey = ResolvedKey(memberId, key),
                MemberId = memberId,
                Key = key,
                ResolvedBy = leadId,
                ResolvedAt = now,
            })
            : new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(partition, ResolvedKey(memberId, key)), ETag.All);

        // A merge keeps the lead's edits as they are (and makes the row when there were none); any save read before
        // this one now meets a changed ETag and reads again, as for two leads' edits.
        var draft = new TableTransactionAction(TableTransactionActionType.UpsertMerge, new TableEntity(partition, DraftKey)
        {
            [nameof(DraftRow.LastEditedBy)] = leadId,
            [nameof(DraftRow.UpdatedAt)] = now,
        });
        try
        {
            await tables.Cycle.SubmitTransactionAsync([mark, draft], cancellationToken);
        }
        catch (TableTransactionFailedException e) when (!resolved && e.Status == 404)
        {
            // Reopened already (and the draft moved with it then).
        }
    }

    /// <summary>Every resolve mark about <paramref name="memberId"/>'s blockers in one squad, all weeks (erasure; a key-range query).</summary>
    public async Task<IReadOnlyList<ResolvedBlockerRow>> ListResolvedBlockersOfAsync(string squadId, string memberId, CancellationToken cancellationToken)
    {
        var from = ResolvedPrefix + TableKey.Encode(memberId) + "|";
        var to = ResolvedPrefix + TableKey.Encode(memberId) + "}";
        return await tables.Cycle.QueryPartitionRangeAsync<ResolvedBlockerRow>(EntryStore.SquadPrefix(squadId), null, TableClient.CreateQueryFilter($"RowKey ge {from} and RowKey lt {to}"), cancellationToken);
    }

    /// <summary>
    /// Every resolve mark <paramref name="leadId"/> made on other members' blockers in one squad, all weeks (my data,
    /// erasure; a key-range query). Marks on their own blockers are found with <see cref="ListResolvedBlockersOfAsync"/>.
    /// </summary>
    public async Task<IReadOnlyList<ResolvedBlockerRow>> ListResolvedBlockersByAsync(string squadId, string leadId, CancellationToken cancellationToken) =>
        await tables.Cycle.QueryPartitionRangeAsync<ResolvedBlockerRow>(EntryStore.SquadPrefix(squadId), null,
            TableClient.CreateQueryFilter($"RowKey ge {ResolvedPrefix} and RowKey lt {ResolvedEnd} and ResolvedBy eq {leadId} and MemberId ne {leadId}"), cancellationToken);

    /// <summary>Takes <paramref name="leadId"/> off these marks (erasure); the marks stay, since the blockers are still resolved.</summary>
    public async Task ForgetResolverAsync(IEnumerable<ResolvedBlockerRow> rows, string leadId, CancellationToken cancellationToken)
    {
        foreach (var row in rows)
        {
            await tables.Cycle.UpdateAsync<ResolvedBlockerRow>(row.PartitionKey, row.RowKey, mark =>
            {
                // Marked again by another lead meanwhile: that lead's mark is left as it is.
                var theirs = string.Equals(mark.ResolvedBy, leadId, StringComparison.Ordinal);
                mark.ResolvedBy = theirs ? null : mark.ResolvedBy;
                return theirs;
            }, cancellationToken);
        }
    }

    /// <summary>The weeks of one squad that have a review draft (a key-range query).</summary>
    public async Task<IReadOnlyList<IsoWeek>> ListDraftWeeksAsync(string squadId, CancellationToken cancellationToken) =>
        (await tables.Cycle.QueryPartitionRangeAsync<TableEntity>(EntryStore.SquadPrefix(squadId), null, TableClient.CreateQueryFilter($"RowKey eq {DraftKey}"), cancellationToken, select: ["PartitionKey", "RowKey"]))
            .Select(r => EntryStore.WeekOf(r.PartitionKey))
            .Where(w => w != default)
            .ToList();

    public async Task<(DigestEdits Edits, DraftRow? Row)> GetDraftAsync(string squadId, IsoWeek week, CancellationToken cancellationToken)
    {
        var partition = EntryStore.Partition(squadId, week);
        var row = await tables.Cycle.FindAsync<DraftRow>(partition, DraftKey, cancellationToken);
        if (row is null)
        {
            // Edit rows are only ever written together with the draft row.
            return (DigestEdits.None, null);
        }

        var itemEdits = new Dictionary<string, LeadEdit>(StringComparer.Ordinal);
        foreach (var (itemId, text) in JsonSerializer.Deserialize<Dictionary<string, string>>(row.EditedJson ?? "{}", StoredText.Json) ?? [])
        {
            itemEdits[itemId] = new LeadEdit(text, AnswerBasis: null);
        }

        foreach (var edit in await ListLeadEditsAsync(partition, memberId: null, cancellationToken))
        {
            itemEdits[edit.ItemId] = new LeadEdit(edit.Text, edit.AnswerBasis, edit.EditedBy, edit.EditedAt);
        }

        var edits = new DigestEdits(
            row.Intro,
            JsonSerializer.Deserialize<HashSet<string>>(row.HiddenJson, StoredText.Json) ?? [],
            itemEdits,
            row.OrderJson is null ? null : JsonSerializer.Deserialize<List<string>>(row.OrderJson, StoredText.Json))
        {
            WithheldItemIds = row.WithheldJson is null ? new HashSet<string>() : JsonSerializer.Deserialize<HashSet<string>>(row.WithheldJson, StoredText.Json) ?? [],
        };
        return (edits, row);
    }

    /// <summary>
    /// Saves review edits only if the draft is unchanged since <paramref name="read"/> (two leads never overwrite each
    /// other silently). The draft row and each changed item edit (one row per edit) are written in one transaction in
    /// the squad-week's partition, so a conflict on the draft row writes none of them.
    /// </summary>
    public async Task<DraftWrite> TrySaveDraftAsync(string squadId, IsoWeek week, DigestEdits before, DigestEdits after, DraftRow? read, string editedBy, CancellationToken cancellationToken)
    {
        var partition = EntryStore.Partition(squadId, week);
        var now = time.GetUtcNow();
        var row = new DraftRow
        {
            PartitionKey = partition,
            RowKey = DraftKey,
            Intro = after.Intro,
            HiddenJson = JsonSerializer.Serialize(after.HiddenItemIds, StoredText.Json),
            WithheldJson = after.WithheldItemIds.Count == 0 ? null : JsonSerializer.Serialize(after.WithheldItemIds, StoredText.Json),
            OrderJson = after.SectionOrder is null ? null : JsonSerializer.Serialize(after.SectionOrder, StoredText.Json),
            LastEditedBy = editedBy,
            UpdatedAt = now,
        };
        var actions = new List<TableTransactionAction>
        {
            read is null
                ? new TableTransactionAction(TableTransactionActionType.Add, row)
                : new TableTransactionAction(TableTransactionActionType.UpdateReplace, row, read.ETag),
        };

        // A draft stored before edits had rows of their own moves all its edits to rows now (its EditedJson is dropped).
        var migrating = read?.EditedJson is { Length: > 2 };
        foreach (var (itemId, edit) in after.ItemEdits)
        {
            if (migrating || !before.ItemEdits.TryGetValue(itemId, out var was) || was != edit)
            {
                var (memberId, sectionId) = SplitItemId(itemId);
                actions.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, new LeadEditRow
                {
                    PartitionKey = partition,
                    RowKey = LeadEditKey(memberId, sectionId),
                    ItemId = itemId,
                    MemberId = memberId,
                    Text = edit.Text,
                    AnswerBasis = edit.AnswerBasis,
                    EditedBy = edit.EditedBy ?? editedBy,
                    EditedAt = edit.EditedAt ?? now,
                }));
            }
        }

        foreach (var itemId in before.ItemEdits.Keys.Where(id => !after.ItemEdits.ContainsKey(id)))
        {
            var (memberId, sectionId) = SplitItemId(itemId);
            actions.Add(new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(partition, LeadEditKey(memberId, sectionId)), ETag.All));
        }

        if (actions.Any(a => StoredText.FindTooLong(a.Entity) is not null))
        {
            return DraftWrite.TooLarge;
        }

        // A review action changes one thing; only migrating an old draft writes many, and a transaction holds at most 100.
        if (actions.Count > TableClientExtensions.MaxTransactionActions)
        {
            return DraftWrite.TooLarge;
        }

        try
        {
            await tables.Cycle.SubmitTransactionAsync(actions, cancellationToken);
            return DraftWrite.Saved;
        }
        catch (TableTransactionFailedException e) when (e.Status is 409 or 412 or 404)
        {
            return DraftWrite.Conflict;
        }
    }

    /// <summary>
    /// Deletes every lead edit of <paramref name="memberId"/>'s words in one squad-week partition (erasure: a lead's
    /// copy of the member's text must go with it). Returns how many were deleted.
    /// </summary>
    public async Task<int> DeleteLeadEditsOfMemberAsync(string partition, string memberId, CancellationToken cancellationToken)
    {
        var edits = await ListLeadEditsAsync(partition, memberId, cancellationToken);
        foreach (var edit in edits)
        {
            await tables.Cycle.DeleteEntityAsync(partition, edit.RowKey, ETag.All, cancellationToken);
        }

        return edits.Count;
    }

    private async Task<List<LeadEditRow>> ListLeadEditsAsync(string partition, string? memberId, CancellationToken cancellationToken)
    {
        // One range of row keys inside the squad-week's partition.
        var filter = memberId is null
            ? TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {LeadEditPrefix} and RowKey lt {LeadEditEnd}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {LeadEditPrefix} and RowKey lt {LeadEditEnd} and MemberId eq {memberId}");
        var rows = new List<LeadEditRow>();
        await foreach (var row in tables.Cycle.QueryAsync<LeadEditRow>(filter, cancellationToken: cancellationToken))
        {
            rows.Add(row);
        }

        return rows;
    }

    private static string LeadEditKey(string memberId, string sectionId) => LeadEditPrefix + TableKey.Join(memberId, sectionId);

    private static (string MemberId, string SectionId) SplitItemId(string itemId)
    {
        // Item ids are memberId + "/" + sectionId; section ids never contain '/', member ids might.
        var at = itemId.LastIndexOf('/');
        return at < 0 ? (itemId, "") : (itemId[..at], itemId[(at + 1)..]);
    }

    /// <summary>
    /// Takes or renews the cycle lease so only one instance runs the schedule. True when this owner holds it
    /// until <c>now + duration</c>.
    /// </summary>
    public async Task<bool> TryAcquireLeaseAsync(string owner, TimeSpan duration, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var row = await tables.Cycle.FindAsync<LeaseRow>("lease", "cycle", cancellationToken);
        if (row is null)
        {
            return await tables.Cycle.TryAddAsync(new LeaseRow { PartitionKey = "lease", RowKey = "cycle", Owner = owner, ExpiresAt = now + duration }, cancellationToken);
        }

        if (row.Owner != owner && row.ExpiresAt > now)
        {
            return false;
        }

        row.Owner = owner;
        row.ExpiresAt = now + duration;
        return await tables.Cycle.TryReplaceAsync(row, cancellationToken);
    }
}

/// <summary>The markers of one squad-week as read in one query: its steps and its send intents (and its questions).</summary>
public sealed class WeekMarkers
{
    private readonly Dictionary<string, MarkerRow> byKey;
    private readonly List<(SendIntent Intent, MarkerRow Marker)> intents = [];

    /// <summary>The readers' questions asked this week (<see cref="From"/> only).</summary>
    public IReadOnlyList<QuestionRow> Questions { get; private init; } = [];

    /// <summary>
    /// One partition read as it is stored: question rows as questions, everything else as markers (the draft and lead
    /// edits read as markers are never send intents or steps, as before).
    /// </summary>
    public static WeekMarkers From(IEnumerable<TableEntity> rows)
    {
        var all = rows.ToList();
        return new WeekMarkers(all.Where(r => !QuestionStore.IsQuestion(r.RowKey)).Select(ToMarker))
        {
            Questions = all.Where(r => QuestionStore.IsQuestion(r.RowKey)).Select(ToQuestion).ToList(),
        };
    }

    // Every MarkerRow property is read here (WeekMarkersTests checks each one round-trips).
    private static MarkerRow ToMarker(TableEntity e) => new()
    {
        PartitionKey = e.PartitionKey,
        RowKey = e.RowKey,
        Timestamp = e.Timestamp,
        ETag = e.ETag,
        State = e.GetString(nameof(MarkerRow.State)) ?? "",
        ConversationId = e.GetString(nameof(MarkerRow.ConversationId)),
        ActivityId = e.GetString(nameof(MarkerRow.ActivityId)),
        Detail = e.GetString(nameof(MarkerRow.Detail)),
        DetailCode = e.GetString(nameof(MarkerRow.DetailCode)),
        Edition = e.GetInt32(nameof(MarkerRow.Edition)) ?? 0,
        UpdatedAt = e.GetDateTimeOffset(nameof(MarkerRow.UpdatedAt)) ?? default,
        NotBefore = e.GetDateTimeOffset(nameof(MarkerRow.NotBefore)),
        ShownDraft = e.GetString(nameof(MarkerRow.ShownDraft)),
    };

    private static QuestionRow ToQuestion(TableEntity e) => new()
    {
        PartitionKey = e.PartitionKey,
        RowKey = e.RowKey,
        Timestamp = e.Timestamp,
        ETag = e.ETag,
        Week = e.GetString(nameof(QuestionRow.Week)) ?? "",
        ItemId = e.GetString(nameof(QuestionRow.ItemId)) ?? "",
        ItemText = e.GetString(nameof(QuestionRow.ItemText)) ?? "",
        AskerId = e.GetString(nameof(QuestionRow.AskerId)) ?? "",
        AskerName = e.GetString(nameof(QuestionRow.AskerName)) ?? "",
        AuthorId = e.GetString(nameof(QuestionRow.AuthorId)) ?? "",
        AuthorName = e.GetString(nameof(QuestionRow.AuthorName)) ?? "",
        Question = e.GetString(nameof(QuestionRow.Question)) ?? "",
        AskedAt = e.GetDateTimeOffset(nameof(QuestionRow.AskedAt)) ?? default,
        Answer = e.GetString(nameof(QuestionRow.Answer)),
        AnsweredAt = e.GetDateTimeOffset(nameof(QuestionRow.AnsweredAt)),
    };

    public WeekMarkers(IEnumerable<MarkerRow> rows)
    {
        byKey = new Dictionary<string, MarkerRow>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            byKey[row.RowKey] = row;
            if (SendIntent.TryRead(row.RowKey, out var intent))
            {
                intents.Add((intent, row));
            }
        }
    }

    public IReadOnlyList<(SendIntent Intent, MarkerRow Marker)> Intents => intents;

    public MarkerRow? Step(CycleStep step) => byKey.GetValueOrDefault(CycleStore.StepKey(step));

    /// <summary>The send markers of one kind (first part only), keyed by recipient.</summary>
    public IReadOnlyDictionary<string, MarkerRow> Sends(IntentKind kind) =>
        intents.Where(p => p.Intent.Kind == kind && p.Intent.Part == 0 && p.Intent.Recipient is not null)
            .ToDictionary(p => p.Intent.Recipient!, p => p.Marker, StringComparer.Ordinal);

    /// <summary>
    /// True when the week's channel post shows an earlier version of the review draft than the stored one: a correction
    /// that Teams refused, or that a stopped instance never made.
    /// </summary>
    public bool PostShowsEarlierDraft =>
        byKey.GetValueOrDefault(CycleStore.PostKey) is { State: MarkerStates.Sent, ShownDraft: { } shown }
        && shown != CycleStore.DraftVersion(byKey.GetValueOrDefault(CycleStore.DraftKey));

    /// <summary>The sends that did not simply go out: waiting to retry, unconfirmed or unreachable.</summary>
    public IReadOnlyList<(SendIntent Intent, MarkerRow Marker)> Unsettled() =>
        intents.Where(p => p.Marker.State is MarkerStates.Retry or MarkerStates.Unconfirmed or MarkerStates.Unreachable or MarkerStates.Sending).ToList();
}
