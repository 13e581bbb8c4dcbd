namespace UpdateBot.Teams.Connector;

/// <summary>One sliding-window rule: at most <see cref="Limit"/> requests in any <see cref="Window"/>.</summary>
internal readonly record struct RateWindow(int Limit, TimeSpan Window);

/// <summary>
/// Requests queued (never rejected) so that every rule holds in every window. Each caller reserves the earliest slot
/// with slot[k] ≥ slot[k−limit] + window for every rule, then waits for it on the <see cref="TimeProvider"/> (so tests
/// drive it with a fake clock). Slots are non-decreasing, so the reservations form a simple log.
/// </summary>
internal sealed class RequestRateGate
{
    private readonly RateWindow[] rules;
    private readonly TimeProvider timeProvider;
    private readonly int history;
    private readonly TimeSpan longestWindow;
    private readonly List<DateTimeOffset> reserved = [];
    private readonly Lock gate = new();

    public RequestRateGate(int perSecond, TimeProvider timeProvider)
        : this([new RateWindow(perSecond, TimeSpan.FromSeconds(1))], timeProvider)
    {
    }

    public RequestRateGate(IReadOnlyList<RateWindow> rules, TimeProvider timeProvider)
    {
        this.rules = [.. rules];
        this.timeProvider = timeProvider;
        history = rules.Max(r => r.Limit);
        longestWindow = rules.Max(r => r.Window);
    }

    /// <summary>The latest reserved slot.</summary>
    public DateTimeOffset LastSlot { get; private set; } = DateTimeOffset.MinValue;

    /// <summary>True when no rule can still be constraining the next request (the gate may be forgotten).</summary>
    public bool IsIdle(DateTimeOffset now) => LastSlot + longestWindow < now;

    /// <summary>Reserves a slot and returns how long the caller must wait for it (zero when it may go now).</summary>
    public TimeSpan Reserve()
    {
        var now = timeProvider.GetUtcNow();
        lock (gate)
        {
            var slot = now;
            foreach (var rule in rules)
            {
                if (reserved.Count >= rule.Limit)
                {
                    var bound = reserved[^rule.Limit] + rule.Window;
                    if (bound > slot)
                    {
                        slot = bound;
                    }
                }
            }

            reserved.Add(slot);
            if (reserved.Count > 2 * history)
            {
                // Only the last `history` reservations can bound a future slot.
                reserved.RemoveRange(0, reserved.Count - history);
            }

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
