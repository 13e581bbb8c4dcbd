using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using UpdateBot.Teams.Schema;

namespace UpdateBot.Teams.Hosting;

/// <summary>
/// Remembers recently processed activities by (<c>conversation.id</c>, <c>id</c>) for a short window so that Teams'
/// redeliveries (protocol.md §8.3) are not processed twice; a redelivered invoke gets the first delivery's answer.
/// In memory: it covers the same-instance retry that Teams sends after ~15 s, not a multi-instance deployment —
/// business keys in storage remain the real idempotency guarantee.
/// </summary>
internal sealed class ActivityDeduplicator(IOptions<BotOptions> options, TimeProvider timeProvider)
{
    private static readonly TimeSpan SweepInterval = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<(string Conversation, string Id), Entry> entries = new();
    private readonly TimeSpan window = options.Value.DeduplicationWindow;
    private DateTimeOffset nextSweep = DateTimeOffset.MinValue;

    /// <summary>
    /// Returns the turn for this activity: a fresh one (the caller runs it) or the earlier delivery's (the caller awaits it).
    /// Activities without an id or conversation id are never de-duplicated.
    /// </summary>
    public (bool IsDuplicate, Task<InvokeResponse?> Turn) Begin(Activity activity, Func<Task<InvokeResponse?>> runTurn)
    {
        var now = timeProvider.GetUtcNow();
        Sweep(now);

        if (string.IsNullOrEmpty(activity.Id) || string.IsNullOrEmpty(activity.Conversation?.Id))
        {
            return (false, runTurn());
        }

        var key = (activity.Conversation.Id, activity.Id);
        var candidate = new Entry(now + window, new TaskCompletionSource<InvokeResponse?>(TaskCreationOptions.RunContinuationsAsynchronously));
        while (true)
        {
            var existing = entries.GetOrAdd(key, candidate);
            if (!ReferenceEquals(existing, candidate))
            {
                if (existing.ExpiresAt > now)
                {
                    return (true, existing.Completion.Task);
                }

                entries.TryRemove(new KeyValuePair<(string, string), Entry>(key, existing));
                continue;
            }

            return (false, RunAsync(key, candidate, runTurn));
        }
    }

    private async Task<InvokeResponse?> RunAsync((string, string) key, Entry entry, Func<Task<InvokeResponse?>> runTurn)
    {
        try
        {
            var response = await runTurn().ConfigureAwait(false);
            entry.Completion.TrySetResult(response);
            return response;
        }
        catch (Exception ex)
        {
            // A failed turn is forgotten so that Teams' retry gets a real second chance.
            entries.TryRemove(new KeyValuePair<(string, string), Entry>(key, entry));
            entry.Completion.TrySetException(ex);
            throw;
        }
    }

    private void Sweep(DateTimeOffset now)
    {
        if (now < nextSweep)
        {
            return;
        }

        nextSweep = now + SweepInterval;
        foreach (var (key, entry) in entries)
        {
            if (entry.ExpiresAt <= now && entry.Completion.Task.IsCompleted)
            {
                entries.TryRemove(new KeyValuePair<(string, string), Entry>(key, entry));
            }
        }
    }

    private sealed record Entry(DateTimeOffset ExpiresAt, TaskCompletionSource<InvokeResponse?> Completion);
}
