using UpdateBot.Domain;
using UpdateBot.Messaging;
using UpdateBot.Storage;
using UpdateBot.Teams.Connector;

namespace UpdateBot.Deliveries;

/// <summary>
/// The one way the bot originates a message (prompt, reminder, review desk, publish reminder, each part of a channel
/// post, notices to leads, the welcome): an intent with a deterministic key is recorded before it is sent, and every
/// outcome follows one set of rules (docs/protocol.md, "Connector errors and retries"):
/// <list type="bullet">
/// <item>provably not delivered (429, our own limiter, a connection that never opened, no token) → <see cref="SendState.Retry"/>, tried again later;</item>
/// <item>may have been delivered (timeout, 5xx, connection lost after writing) → <see cref="SendState.Unconfirmed"/>, never re-sent automatically;</item>
/// <item>cannot heal (403, 404, 413, a removed chat or channel) → <see cref="SendState.Unreachable"/>, with the reason;</item>
/// <item>an exception or a cancellation between recording the intent and sending it never strands the intent: it goes back to pending.</item>
/// </list>
/// </summary>
/// <remarks>
/// Connector calls report outcomes and never throw, so an exception from the send callback was raised before any request
/// was written (composing the card, reading storage): the intent is released for a later attempt. If even that release
/// fails (storage down), the intent stays "sending" and is judged unconfirmed once it is older than
/// <see cref="CycleStore.AbandonedClaimAge"/>, exactly like a crash: never sent twice, always shown.
/// </remarks>
public sealed partial class DeliveryEngine(CycleStore cycle, ILogger<DeliveryEngine> logger)
{
    /// <summary>Delivers the intent <paramref name="key"/> in <paramref name="partition"/> at most once.</summary>
    /// <param name="send">Builds and sends the message.</param>
    public Task<SendRecord> DeliverAsync(string partition, string key, Func<MarkerRow, CancellationToken, Task<Delivery>> send, CancellationToken cancellationToken) =>
        DeliverAsync(partition, key, null, send, cancellationToken);

    /// <inheritdoc cref="DeliverAsync(string, string, Func{MarkerRow, CancellationToken, Task{Delivery}}, CancellationToken)"/>
    /// <param name="prepare">
    /// Decides what the intent must keep across attempts (the channel post's edition number) before it is claimed: it is
    /// written with the claim, so an interruption at any point after it reuses it. An exception from it claims nothing.
    /// </param>
    public async Task<SendRecord> DeliverAsync(
        string partition, string key, Func<MarkerRow, CancellationToken, Task>? prepare, Func<MarkerRow, CancellationToken, Task<Delivery>> send, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(send);
        var claim = await cycle.ClaimAsync(partition, key, prepare, cancellationToken);
        switch (claim.Outcome)
        {
            case ClaimOutcome.Unconfirmed:
                return new SendRecord(SendState.Unconfirmed, claim.Marker, null);
            case ClaimOutcome.AlreadyDone:
                return new SendRecord(claim.Marker.State == MarkerStates.Sending ? SendState.InFlight : SendState.AlreadySent, claim.Marker, null);
        }

        Delivery delivery;
        try
        {
            // What the bot originates waits behind replies and card updates, even when a turn started it (prompt now, publish).
            using var background = ConnectorTraffic.Use(ConnectorPriority.Background);
            delivery = await send(claim.Marker, cancellationToken);
        }
        catch (Exception e)
        {
            // Cancellation included: connector calls report even that as an outcome, so whatever threw came before a
            // request was written (the limiter, a storage read). The outcome is recorded even when the caller gave up.
            LogReleased(logger, key, e);
            await cycle.CompleteAsync(claim.Marker, MarkerStates.Retry, null, null, new DeliveryReason(ReasonCode.InterruptedBeforeSend), CancellationToken.None);
            throw;
        }

        await cycle.CompleteAsync(claim.Marker, delivery.MarkerState, delivery.ConversationId, delivery.ActivityId, delivery.Reason, CancellationToken.None);
        return new SendRecord(StateOf(claim.Marker.State), claim.Marker, delivery);
    }

    /// <summary>
    /// A lead's "send again" for an unconfirmed intent: it becomes pending, so the next delivery sends it. True when it
    /// was unconfirmed (anything else is left as it is).
    /// </summary>
    public Task<bool> ReleaseUnconfirmedAsync(string partition, string key, CancellationToken cancellationToken) =>
        cycle.ReleaseUnconfirmedAsync(partition, key, cancellationToken);

    private static SendState StateOf(string markerState) => markerState switch
    {
        MarkerStates.Sent => SendState.Sent,
        MarkerStates.Unconfirmed => SendState.Unconfirmed,
        MarkerStates.Retry => SendState.Retry,
        _ => SendState.Unreachable,
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sending {Key} was interrupted before any request was written; it stays pending")]
    private static partial void LogReleased(ILogger logger, string key, Exception exception);
}
