namespace UpdateBot.Teams.Connector;

/// <summary>
/// At most <c>limit</c> requests in any one-second window, queued rather than rejected. Each caller reserves the earliest
/// slot that keeps the window within the limit (slot[k] ≥ slot[k−limit] + 1 s) and waits for it on the
/// <see cref="TimeProvider"/>, so tests drive it with a fake clock.
/// </summary>
internal sealed class RequestRateGate(int limit, TimeProvider timeProvider)
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(1);
    private readonly Queue<DateTimeOffset> reserved = new();
    private readonly Lock gate = new();

    /// <summary>The latest reserved slot; a gate whose last slot is older than the window is idle.</summary>
    public DateTimeOffset LastSlot { get; private set; } = DateTimeOffset.MinValue;

    /// <summary>Reserves a slot and returns how long the caller must wait for it (zero when it may go now).</summary>
    public TimeSpan Reserve()
    {
        var now = timeProvider.GetUtcNow();
        lock (gate)
        {
            // Keep only the last `limit` reservations: the oldest of them bounds the next slot.
            while (reserved.Count > limit)
            {
                reserved.Dequeue();
            }

            var slot = now;
            if (reserved.Count == limit)
            {
                var candidate = reserved.Dequeue() + Window;
                if (candidate > slot)
                {
                    slot = candidate;
                }
            }

            reserved.Enqueue(slot);
            LastSlot = slot;
            return slot - now;
        }
    }

    public async ValueTask WaitAsync(CancellationToken cancellationToken)
    {
        var wait = Reserve();
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, timeProvider, cancellationToken).ConfigureAwait(false);
        }
    }
}
