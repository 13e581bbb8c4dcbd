namespace UpdateBot.Teams.Connector;

/// <summary>One sliding-window rule: at most <see cref="Limit"/> requests in any <see cref="Window"/>.</summary>
internal readonly record struct RateWindow(int Limit, TimeSpan Window);

/// <summary>
/// Requests queued (never rejected) so that every rule holds in every window, and handed out by priority: when a slot
/// comes free it goes to the oldest waiting <see cref="ConnectorPriority.Interactive"/> request, and to a background
/// one only when no interactive request waits. Slots are granted as they come free, not reserved ahead, so a click
/// never queues behind background requests that arrived first. A granted slot is recorded at the instant it came free
/// (slot[k] ≥ slot[k−limit] + window for every rule), not when the timer happened to fire, so timer lateness does not
/// accumulate into the schedule. Timers come from the <see cref="TimeProvider"/>, so tests drive it with a fake clock.
/// </summary>
/// <remarks>
/// Background requests wait as long as interactive ones keep arriving faster than the limit allows: interactive traffic
/// (people clicking and typing) is far below Teams' budget, so in practice they only ever wait a few slots.
/// </remarks>
internal sealed class RequestRateGate
{
    private readonly RateWindow[] rules;
    private readonly TimeProvider timeProvider;
    private readonly int history;
    private readonly TimeSpan longestWindow;
    private readonly List<DateTimeOffset> granted = [];
    private readonly Queue<Waiter> interactive = new();
    private readonly Queue<Waiter> background = new();
    private readonly Lock gate = new();
    private ITimer? timer;
    private DateTimeOffset timerDue;

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

    /// <summary>The latest granted slot.</summary>
    public DateTimeOffset LastSlot { get; private set; } = DateTimeOffset.MinValue;

    /// <summary>True when nobody waits and no rule can still be constraining the next request (the gate may be forgotten).</summary>
    public bool IsIdle(DateTimeOffset now)
    {
        lock (gate)
        {
            return interactive.Count == 0 && background.Count == 0 && LastSlot + longestWindow < now;
        }
    }

    /// <summary>How many requests are waiting for a slot (cancelled ones included until their turn comes).</summary>
    internal int Waiting
    {
        get
        {
            lock (gate)
            {
                return interactive.Count + background.Count;
            }
        }
    }

    /// <summary>When the next waiting request will be let through (null when nobody waits).</summary>
    internal DateTimeOffset? NextGrant
    {
        get
        {
            lock (gate)
            {
                return timer is null ? null : timerDue;
            }
        }
    }

    /// <summary>Completes when this request's slot has come: at once when one is free and nobody of its priority or higher waits.</summary>
    public Task WaitAsync(ConnectorPriority priority, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Waiter waiter;
        lock (gate)
        {
            waiter = new Waiter(timeProvider.GetUtcNow());
            (priority == ConnectorPriority.Interactive ? interactive : background).Enqueue(waiter);
            Grant(waiter.Since);
        }

        return waiter.Task.IsCompleted || !cancellationToken.CanBeCanceled ? waiter.Task : WaitCancellableAsync(waiter, cancellationToken);
    }

    private static async Task WaitCancellableAsync(Waiter waiter, CancellationToken cancellationToken)
    {
        // A cancelled waiter stays in its queue, completed; granting skips it, so its slot goes to the next one.
        using (cancellationToken.UnsafeRegister(static (w, ct) => ((Waiter)w!).TrySetCanceled(ct), waiter))
        {
            await waiter.Task.ConfigureAwait(false);
        }
    }

    /// <summary>Hands out every slot free at <paramref name="now"/>, interactive waiters first; then sets a timer for the next one.</summary>
    private void Grant(DateTimeOffset now)
    {
        while (NextWaiter() is { } queue)
        {
            var free = EarliestFree();
            if (free > now)
            {
                Schedule(free, now);
                return;
            }

            var waiter = queue.Dequeue();
            if (waiter.TrySetResult())
            {
                // Recorded as the instant the slot was due to this waiter (never after now), as a reservation would be.
                Record(Latest(free, waiter.Since, LastSlot));
            }
        }

        timer?.Dispose();
        timer = null;
    }

    private static DateTimeOffset Latest(DateTimeOffset a, DateTimeOffset b, DateTimeOffset c) => a > b ? (a > c ? a : c) : (b > c ? b : c);

    private Queue<Waiter>? NextWaiter()
    {
        foreach (var queue in (ReadOnlySpan<Queue<Waiter>>)[interactive, background])
        {
            while (queue.TryPeek(out var head) && head.Task.IsCompleted)
            {
                queue.Dequeue();
            }

            if (queue.Count > 0)
            {
                return queue;
            }
        }

        return null;
    }

    /// <summary>The earliest instant at which every rule admits one more request (MinValue when none binds).</summary>
    private DateTimeOffset EarliestFree()
    {
        var free = DateTimeOffset.MinValue;
        foreach (var rule in rules)
        {
            if (granted.Count >= rule.Limit && granted[^rule.Limit] + rule.Window is var bound && bound > free)
            {
                free = bound;
            }
        }

        return free;
    }

    private void Record(DateTimeOffset slot)
    {
        granted.Add(slot);
        if (granted.Count > 2 * history)
        {
            // Only the last `history` grants can bound a future slot.
            granted.RemoveRange(0, granted.Count - history);
        }

        LastSlot = slot;
    }

    private void Schedule(DateTimeOffset due, DateTimeOffset now)
    {
        if (timer is not null && timerDue == due)
        {
            return;
        }

        timer?.Dispose();
        timerDue = due;
        timer = timeProvider.CreateTimer(static state => ((RequestRateGate)state!).OnTimer(), this, due - now, Timeout.InfiniteTimeSpan);
    }

    private void OnTimer()
    {
        lock (gate)
        {
            timer?.Dispose();
            timer = null;
            Grant(timeProvider.GetUtcNow());
        }
    }

    private sealed class Waiter(DateTimeOffset since) : TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        public DateTimeOffset Since { get; } = since;
    }
}
