using Microsoft.Extensions.Options;
using UpdateBot.Teams.Schema;

namespace UpdateBot.Teams.Hosting;

/// <summary>
/// Remembers recently processed activities by (<c>conversation.id</c>, <c>id</c>) for a short window so that Teams'
/// redeliveries are not processed twice; a redelivered invoke gets the first delivery's answer
/// (docs/protocol.md, "Redelivery and de-duplication").
/// In memory: it covers the same-instance retry that Teams sends after ~15 s, not a multi-instance deployment —
/// business keys in storage remain the real idempotency guarantee.
/// </summary>
/// <remarks>
/// Bounded so that a flood of distinct ids cannot grow it without limit: at most <see cref="BotOptions.DeduplicationMaxEntries"/>
/// entries and about <see cref="BotOptions.DeduplicationMaxBytes"/> of ids and cached answers; the oldest go first.
/// An entry leaves at the end of its window whether or not its turn finished, so a turn that never ends is not kept.
/// </remarks>
internal sealed class ActivityDeduplicator(IOptions<BotOptions> options, TimeProvider timeProvider)
{
    // Per-entry bookkeeping (node, record, completion source, dictionary slot), a rough but fixed overhead.
    private const int EntryOverheadBytes = 256;

    private readonly Lock gate = new();
    private readonly Dictionary<(string Conversation, string Id), LinkedListNode<Entry>> index = [];
    private readonly LinkedList<Entry> oldestFirst = new();
    private readonly TimeSpan window = options.Value.DeduplicationWindow;
    private readonly int maxEntries = options.Value.DeduplicationMaxEntries;
    private readonly long maxBytes = options.Value.DeduplicationMaxBytes;
    private long bytes;

    /// <summary>How many activities are remembered now.</summary>
    public int Count
    {
        get
        {
            lock (gate)
            {
                return index.Count;
            }
        }
    }

    /// <summary>The estimated memory held by the remembered ids and answers.</summary>
    public long Bytes
    {
        get
        {
            lock (gate)
            {
                return bytes;
            }
        }
    }

    /// <summary>
    /// Returns the turn for this activity: a fresh one (the caller runs it) or the earlier delivery's (the caller awaits it).
    /// Activities without an id or conversation id are never de-duplicated.
    /// </summary>
    public (bool IsDuplicate, Task<TurnAnswer?> Turn) Begin(Activity activity, Func<Task<TurnAnswer?>> runTurn)
    {
        ArgumentNullException.ThrowIfNull(activity);
        ArgumentNullException.ThrowIfNull(runTurn);
        if (string.IsNullOrEmpty(activity.Id) || string.IsNullOrEmpty(activity.Conversation?.Id))
        {
            return (false, runTurn());
        }

        var key = (activity.Conversation.Id, activity.Id);
        var now = timeProvider.GetUtcNow();
        Entry entry;
        lock (gate)
        {
            RemoveExpired(now);
            if (index.TryGetValue(key, out var existing))
            {
                return (true, existing.Value.Completion.Task);
            }

            entry = new Entry(key, now + window, EntryOverheadBytes + (2L * (key.Item1.Length + key.Item2.Length)));
            index[key] = oldestFirst.AddLast(entry);
            bytes += entry.Bytes;
            RemoveOverCapacity();
        }

        return (false, RunAsync(entry, runTurn));
    }

    private async Task<TurnAnswer?> RunAsync(Entry entry, Func<Task<TurnAnswer?>> runTurn)
    {
        TurnAnswer? response;
        try
        {
            response = await runTurn().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // A failed turn is forgotten so that Teams' retry gets a real second chance.
            lock (gate)
            {
                Remove(entry);
            }

            entry.Completion.TrySetException(ex);
            throw;
        }

        // The cached answer counts towards the byte bound for as long as it is remembered.
        var answerBytes = response?.Json?.LongLength ?? 0;
        lock (gate)
        {
            if (index.TryGetValue(entry.Key, out var node) && ReferenceEquals(node.Value, entry))
            {
                entry.Bytes += answerBytes;
                bytes += answerBytes;
                RemoveOverCapacity();
            }
        }

        entry.Completion.TrySetResult(response);
        return response;
    }

    private void RemoveExpired(DateTimeOffset now)
    {
        // The window is the same for every entry, so insertion order is expiry order.
        while (oldestFirst.First is { } first && first.Value.ExpiresAt <= now)
        {
            Remove(first.Value);
        }
    }

    private void RemoveOverCapacity()
    {
        while (oldestFirst.First is { } first && (index.Count > maxEntries || bytes > maxBytes))
        {
            Remove(first.Value);
        }
    }

    private void Remove(Entry entry)
    {
        if (index.TryGetValue(entry.Key, out var node) && ReferenceEquals(node.Value, entry))
        {
            index.Remove(entry.Key);
            oldestFirst.Remove(node);
            bytes -= entry.Bytes;
        }
    }

    private sealed class Entry((string, string) key, DateTimeOffset expiresAt, long bytes)
    {
        public (string, string) Key { get; } = key;

        public DateTimeOffset ExpiresAt { get; } = expiresAt;

        public long Bytes { get; set; } = bytes;

        public TaskCompletionSource<TurnAnswer?> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
