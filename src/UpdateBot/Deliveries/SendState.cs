namespace UpdateBot.Deliveries;

/// <summary>Where one intended message stands after the delivery engine looked at it.</summary>
public enum SendState
{
    /// <summary>Delivered now, by this call.</summary>
    Sent,

    /// <summary>Delivered earlier (or otherwise settled earlier): nothing was done now.</summary>
    AlreadySent,

    /// <summary>Another caller is sending it right now (or crashed doing so a moment ago): not finished yet.</summary>
    InFlight,

    /// <summary>Provably not delivered (throttled, refused before sending, no token): tried again later.</summary>
    Retry,

    /// <summary>May have been delivered (timeout, 5xx, connection lost): never re-sent automatically; the leads see it.</summary>
    Unconfirmed,

    /// <summary>Cannot heal by retrying (403, 404, 413, a removed chat or channel): recorded with the reason.</summary>
    Unreachable,
}
