using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using UpdateBot.Teams.Hosting;

namespace UpdateBot.Teams.Connector;

/// <summary>
/// Process-wide connector limits (docs/protocol.md, "Rate limits"): a per-conversation gate (7/s, 60/30 s, 1800/h), a
/// global budget (30/s) paced across the second (<see cref="GlobalRules"/>), and the back-off after a 429 shared by
/// every sender ("paused until"). Both limits give the next free slot to interactive requests first
/// (<see cref="ConnectorPriority"/>).
/// </summary>
public sealed class ConnectorRateLimits
{
    private const int MaxIdleGates = 1024;
    private readonly ConcurrentDictionary<string, RequestRateGate> conversations = new(StringComparer.Ordinal);
    private readonly RequestRateGate global;
    private readonly RateWindow[] perConversation;
    private readonly TimeProvider timeProvider;
    private readonly bool prioritizeInteractive;
    private readonly Lock pauseGate = new();
    private DateTimeOffset pausedUntil = DateTimeOffset.MinValue;

    public ConnectorRateLimits(IOptions<BotOptions> options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.timeProvider = timeProvider;
        prioritizeInteractive = options.Value.Connector.PrioritizeInteractive;
        // Per thread: 7 per 1 s, 8 per 2 s, 60 per 30 s, 1800 per hour (docs/protocol.md, "Rate limits").
        var perSecond = options.Value.Connector.PerConversationRequestsPerSecond;
        perConversation =
        [
            Guarded(perSecond, TimeSpan.FromSeconds(1)),
            Guarded(Math.Max(perSecond, 8), TimeSpan.FromSeconds(2)),
            Guarded(Math.Max(perSecond, 60), TimeSpan.FromSeconds(30)),
            Guarded(Math.Max(perSecond, 1800), TimeSpan.FromHours(1)),
        ];
        global = new RequestRateGate(GlobalRules(options.Value.Connector.GlobalRequestsPerSecond), timeProvider);
    }

    /// <summary>
    /// The global budget of <paramref name="perSecond"/> requests: Teams' rule (that many per second, guarded) and a
    /// pacing rule that hands the same budget out in tenths of a second (3 per 105 ms for 30/s). A sliding window alone
    /// grants a backlog's whole second at its start, so a reply arriving mid-second would wait for the next second
    /// whatever its priority; paced, the next free slot is never more than a tick away (docs/benchmarks.md,
    /// "Interactive turns during the fan-out"). The pace allows no more than Teams' rule, so throughput is unchanged.
    /// </summary>
    internal static RateWindow[] GlobalRules(int perSecond)
    {
        var perTick = (perSecond + 9) / 10;
        var tick = TimeSpan.FromTicks(TimeSpan.TicksPerSecond * perTick / perSecond);
        return [Guarded(perSecond, TimeSpan.FromSeconds(1)), Guarded(perTick, tick)];
    }

    /// <summary>
    /// A window a little longer than Teams' own. Teams counts requests as they arrive on its clock; a few milliseconds
    /// of jitter otherwise lands a request at the very edge of its window and earns a 429 that pauses every sender for a
    /// whole second. The benchmark (docs/benchmarks.md) measured 8% of requests throttled without a guard.
    /// </summary>
    internal static RateWindow Guarded(int limit, TimeSpan window) =>
        new(limit, window + TimeSpan.FromTicks(Math.Min(window.Ticks / 20, WindowGuardCap.Ticks)));

    private static readonly TimeSpan WindowGuardCap = TimeSpan.FromMilliseconds(250);

    /// <summary>No connector request is sent before this instant (set from the last 429's Retry-After).</summary>
    public DateTimeOffset PausedUntil
    {
        get
        {
            lock (pauseGate)
            {
                return pausedUntil;
            }
        }
    }

    /// <summary>Extends the shared pause (never shortens it).</summary>
    public void PauseUntil(DateTimeOffset until)
    {
        lock (pauseGate)
        {
            if (until > pausedUntil)
            {
                pausedUntil = until;
            }
        }
    }

    /// <summary>
    /// Waits for the conversation's slot (if any), then for a global slot; at each, an interactive request goes ahead of
    /// every background request still waiting.
    /// </summary>
    internal async ValueTask WaitForSlotAsync(string? conversationKey, ConnectorPriority priority, CancellationToken cancellationToken)
    {
        priority = prioritizeInteractive ? priority : ConnectorPriority.Background;
        if (conversationKey is not null)
        {
            await ConversationGate(conversationKey).WaitAsync(priority, cancellationToken).ConfigureAwait(false);
        }

        await global.WaitAsync(priority, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Requests waiting for a global slot.</summary>
    internal int WaitingForGlobalSlot => global.Waiting;

    /// <summary>The global gate (tests drive it with a fake clock).</summary>
    internal RequestRateGate GlobalGate => global;

    internal RequestRateGate ConversationGate(string key)
    {
        if (conversations.Count > MaxIdleGates)
        {
            var now = timeProvider.GetUtcNow();
            foreach (var (k, g) in conversations)
            {
                if (g.IsIdle(now))
                {
                    conversations.TryRemove(k, out _);
                }
            }
        }

        return conversations.GetOrAdd(key, _ => new RequestRateGate(perConversation, timeProvider));
    }
}
