namespace UpdateBot.Teams.Connector;

/// <summary>
/// Which queue a connector request waits in for its rate-limit slot. Interactive requests (replies inside a turn, card
/// updates) take the next free slot ahead of every queued background request (fan-out prompts, reminders, review
/// desks, channel posts); Teams' limits still hold for both (docs/protocol.md, "Rate limits").
/// </summary>
public enum ConnectorPriority
{
    /// <summary>What the bot originates on its own: the default for any call made outside a turn.</summary>
    Background = 0,

    /// <summary>Someone is waiting for it now: a reply or a card update inside a turn.</summary>
    Interactive = 1,
}

/// <summary>
/// The priority of the connector calls made in the current async flow. Set in one place each: the turn pipeline marks
/// a turn <see cref="ConnectorPriority.Interactive"/>, the delivery engine marks what the bot originates
/// <see cref="ConnectorPriority.Background"/>; <see cref="ConnectorClient"/> copies it onto every request
/// (<see cref="ConnectorRequestOptions.Priority"/>).
/// </summary>
public static class ConnectorTraffic
{
    private static readonly AsyncLocal<ConnectorPriority> Ambient = new();

    /// <summary>Background unless a caller up the async flow said otherwise.</summary>
    public static ConnectorPriority Current => Ambient.Value;

    /// <summary>Runs the rest of the caller's scope (and everything it starts) at <paramref name="priority"/>.</summary>
    public static Scope Use(ConnectorPriority priority)
    {
        var previous = Ambient.Value;
        Ambient.Value = priority;
        return new Scope(previous);
    }

    /// <summary>Restores the previous priority when disposed.</summary>
    public readonly struct Scope(ConnectorPriority previous) : IDisposable
    {
        public void Dispose() => Ambient.Value = previous;
    }
}
