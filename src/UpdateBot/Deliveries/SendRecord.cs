using UpdateBot.Messaging;
using UpdateBot.Storage;

namespace UpdateBot.Deliveries;

/// <summary>What the delivery engine did with one intent: its state, its marker, and the delivery when one was attempted now.</summary>
public sealed record SendRecord(SendState State, MarkerRow Marker, Delivery? Delivery)
{
    /// <summary>True once the message is known to be in Teams (now or earlier).</summary>
    public bool IsDelivered => State is SendState.Sent || (State is SendState.AlreadySent && Marker.State == MarkerStates.Sent);

    /// <summary>The step that asked for it is not finished while it is in flight or waits for a retry.</summary>
    public bool IsPending => State is SendState.InFlight or SendState.Retry;
}
