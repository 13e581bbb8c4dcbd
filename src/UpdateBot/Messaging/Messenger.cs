using System.Globalization;
using UpdateBot.Domain;
using UpdateBot.Localisation;
using UpdateBot.Storage;
using UpdateBot.Teams.Cards;
using UpdateBot.Teams.Connector;
using UpdateBot.Teams.Schema;

namespace UpdateBot.Messaging;

/// <summary>How a send to a person ended, in the terms the lead sees (<see cref="Reason"/> when it did not simply go out).</summary>
public sealed record Delivery(ReachStatus Reach, string? ConversationId, string? ActivityId, DeliveryReason? Reason)
{
    /// <summary>The reason in English, as stored beside its code and logged.</summary>
    public string? Detail => ProblemTexts.StoredDetail(Reason);

    public bool Delivered => Reach == ReachStatus.Reachable && ActivityId is not null;

    /// <summary>
    /// Teams may have shown it (it accepted the message but its answer could not be read), so it is never sent again
    /// automatically.
    /// </summary>
    public bool Unconfirmed { get; init; }

    /// <summary>Worth trying again later (throttled or a transient failure), as opposed to a settled "unreachable".</summary>
    public bool Retryable => !Unconfirmed && Reach is ReachStatus.Throttled or ReachStatus.Failed;

    /// <summary>The state a claimed send's marker records for this delivery.</summary>
    public string MarkerState => Delivered ? MarkerStates.Sent : Unconfirmed ? MarkerStates.Unconfirmed : Retryable ? MarkerStates.Retry : MarkerStates.Unreachable;
}

/// <summary>
/// Sends cards to people and places through the connector, turning connector outcomes into reachability
/// (docs/protocol.md, "Reaching members 1:1": 403 is "unreachable", never retried).
/// </summary>
public sealed partial class Messenger(ConnectorClient connector, ConversationStore conversations, ILogger<Messenger> logger)
{
    /// <summary>Sends a card 1:1, creating the personal chat first when there is none yet (docs/protocol.md, "Reaching members 1:1").</summary>
    public async Task<Delivery> SendToMemberAsync(Squad squad, string userId, AdaptiveCard card, string? summary, CancellationToken cancellationToken)
    {
        var activity = CardJson.ToActivity(card, summary);
        var reference = await conversations.GetAsync(ConversationStore.User, userId, cancellationToken);
        if (reference is not { Active: true })
        {
            var created = await CreatePersonalAsync(squad, userId, cancellationToken);
            if (created.Reach != ReachStatus.Reachable)
            {
                return created;
            }

            reference = await conversations.GetAsync(ConversationStore.User, userId, cancellationToken);
        }

        var sent = await connector.SendToConversationAsync(reference!.ServiceUrl, reference.ConversationId, activity, cancellationToken);
        if (sent.Outcome == ConnectorOutcome.NotFound)
        {
            // The stored chat is gone (e.g. the app was reinstalled): make a new one once.
            var created = await CreatePersonalAsync(squad, userId, cancellationToken);
            if (created.Reach != ReachStatus.Reachable)
            {
                return created;
            }

            reference = await conversations.GetAsync(ConversationStore.User, userId, cancellationToken);
            sent = await connector.SendToConversationAsync(reference!.ServiceUrl, reference.ConversationId, activity, cancellationToken);
        }

        var delivery = ToDelivery(sent, reference.ConversationId);
        if (delivery.Reach is ReachStatus.BlockedBot or ReachStatus.NotInstalled)
        {
            await conversations.MarkInactiveAsync(ConversationStore.User, userId, cancellationToken);
        }

        return delivery;
    }

    /// <summary>Sends a card into a conversation the bot already has (a reply in the chat a command came from).</summary>
    public async Task<Delivery> SendAsync(string serviceUrl, string conversationId, Activity activity, CancellationToken cancellationToken) =>
        ToDelivery(await connector.SendToConversationAsync(serviceUrl, conversationId, activity, cancellationToken), conversationId);

    public Task<Delivery> SendCardAsync(string serviceUrl, string conversationId, AdaptiveCard card, CancellationToken cancellationToken, string? summary = null) =>
        SendAsync(serviceUrl, conversationId, CardJson.ToActivity(card, summary), cancellationToken);

    /// <summary>Sends a card already serialised (a part of a channel post as stored when it was published).</summary>
    public Task<Delivery> SendCardAsync(string serviceUrl, string conversationId, System.Text.Json.JsonElement card, CancellationToken cancellationToken) =>
        SendAsync(serviceUrl, conversationId, Activity.CreateCard(card), cancellationToken);

    public Task<Delivery> SendTextAsync(string serviceUrl, string conversationId, string text, CancellationToken cancellationToken) =>
        SendAsync(serviceUrl, conversationId, Activity.CreateMessage(text), cancellationToken);

    /// <summary>Replaces a card the bot sent earlier, for everyone who sees it (docs/protocol.md, "Updating a card in place").</summary>
    public Task<Delivery> UpdateCardAsync(string serviceUrl, string conversationId, string activityId, AdaptiveCard card, CancellationToken cancellationToken) =>
        UpdateCardAsync(serviceUrl, conversationId, activityId, CardJson.ToElement(card), cancellationToken);

    /// <inheritdoc cref="UpdateCardAsync(string, string, string, AdaptiveCard, CancellationToken)"/>
    public async Task<Delivery> UpdateCardAsync(string serviceUrl, string conversationId, string activityId, System.Text.Json.JsonElement card, CancellationToken cancellationToken)
    {
        var result = await connector.UpdateActivityAsync(serviceUrl, conversationId, activityId, Activity.CreateCard(card), cancellationToken);
        var delivery = ToDelivery(result, conversationId);
        return delivery with { ActivityId = delivery.ActivityId ?? (result.IsSuccess ? activityId : null) };
    }

    /// <summary>Starts a new post in a channel (docs/protocol.md, "Connector REST operations"). The conversation id returned addresses its thread.</summary>
    public Task<Delivery> PostToChannelAsync(Squad squad, AdaptiveCard card, string? summary, CancellationToken cancellationToken) =>
        PostToChannelAsync(squad, CardJson.ToElement(card), summary, cancellationToken);

    /// <inheritdoc cref="PostToChannelAsync(Squad, AdaptiveCard, string?, CancellationToken)"/>
    public async Task<Delivery> PostToChannelAsync(Squad squad, System.Text.Json.JsonElement card, string? summary, CancellationToken cancellationToken)
    {
        var activity = Activity.CreateCard(card, summary);
        var result = await connector.CreateChannelPostAsync(squad.ServiceUrl, squad.TenantId, squad.ChannelId, activity, cancellationToken);
        if (!result.IsSuccess)
        {
            return ToDelivery(result.Outcome, result.Failure, result.StatusCode, result.ErrorCode, null, null, result.MayHaveBeenDelivered);
        }

        return new Delivery(ReachStatus.Reachable, result.Value!.Id, result.Value.ActivityId, null);
    }

    private async Task<Delivery> CreatePersonalAsync(Squad squad, string userId, CancellationToken cancellationToken)
    {
        var created = await connector.CreatePersonalConversationAsync(squad.ServiceUrl, squad.TenantId, squad.BotId, userId, cancellationToken);
        if (!created.IsSuccess || created.Value?.Id is null)
        {
            LogCreateFailed(logger, created.Outcome, created.StatusCode, created.ErrorCode);
            // Creating a 1:1 chat is create-or-get and shows the member nothing, so any failure is safe to retry.
            return ToDelivery(created.Outcome, created.Failure, created.StatusCode, created.ErrorCode, null, null, mayHaveBeenDelivered: false);
        }

        await conversations.SaveAsync(
            new ConversationReference(ConversationStore.User, userId, created.Value.Id, created.Value.ServiceUrl ?? squad.ServiceUrl, squad.TenantId, squad.BotId, null, null, squad.Id, true),
            cancellationToken);
        return new Delivery(ReachStatus.Reachable, created.Value.Id, null, null);
    }

    private static Delivery ToDelivery(ConnectorResult<ResourceResponse> result, string conversationId) =>
        result.IsSuccess
            ? new Delivery(ReachStatus.Reachable, conversationId, result.Value?.Id, null)
            : ToDelivery(result.Outcome, result.Failure, result.StatusCode, result.ErrorCode, conversationId, null, result.MayHaveBeenDelivered);

    private static Delivery ToDelivery(
        ConnectorOutcome outcome, ConnectorFailure failure, int? status, string? code, string? conversationId, string? activityId, bool mayHaveBeenDelivered)
    {
        if (mayHaveBeenDelivered)
        {
            // Teams may have shown it: it is never sent again automatically; the leads see it and may send it again.
            var why = failure switch
            {
                ConnectorFailure.EmptyBody or ConnectorFailure.MalformedBody => new DeliveryReason(ReasonCode.UnconfirmedUnreadable),
                ConnectorFailure.Timeout => new DeliveryReason(ReasonCode.UnconfirmedTimeout),
                ConnectorFailure.Cancelled => new DeliveryReason(ReasonCode.UnconfirmedCancelled),
                ConnectorFailure.Transport => new DeliveryReason(ReasonCode.UnconfirmedTransport),
                _ => new DeliveryReason(ReasonCode.UnconfirmedError, status?.ToString(CultureInfo.InvariantCulture) ?? ""),
            };
            return new Delivery(ReachStatus.Failed, conversationId, activityId, why)
            {
                Unconfirmed = true,
            };
        }

        var (reach, reason) = (outcome, failure) switch
        {
            (_, ConnectorFailure.TokenUnavailable) => (ReachStatus.Failed, ReasonCode.TokenUnavailable),
            (_, ConnectorFailure.Unauthorized) => (ReachStatus.Failed, ReasonCode.Unauthorized),
            (_, ConnectorFailure.UntrustedServiceUrl or ConnectorFailure.InvalidServiceUrl) => (ReachStatus.Failed, ReasonCode.UntrustedAddress),
            _ => ClassifyOutcome(outcome, code),
        };
        var value = reason switch
        {
            ReasonCode.Refused => string.Create(CultureInfo.InvariantCulture, $"{status} {code}"),
            ReasonCode.Unreachable => status?.ToString(CultureInfo.InvariantCulture),
            _ => null,
        };
        return new Delivery(reach, conversationId, activityId, new DeliveryReason(reason is ReasonCode.Unreachable && value is null ? ReasonCode.UnreachableNoResponse : reason, value));
    }

    private static (ReachStatus, ReasonCode) ClassifyOutcome(ConnectorOutcome outcome, string? code) =>
        outcome switch
        {
            ConnectorOutcome.Unreachable => Classify403(code),
            ConnectorOutcome.NotFound => (ReachStatus.NotInstalled, ReasonCode.ChatGone),
            ConnectorOutcome.Throttled => (ReachStatus.Throttled, ReasonCode.Throttled),
            ConnectorOutcome.Rejected => (ReachStatus.Refused, ReasonCode.Refused),
            _ => (ReachStatus.Failed, ReasonCode.Unreachable),
        };

    private static (ReachStatus, ReasonCode) Classify403(string? code) => code switch
    {
        "ConversationBlockedByUser" or "MessageWritesBlocked" => (ReachStatus.BlockedBot, ReasonCode.Blocked),
        "BotNotInConversationRoster" => (ReachStatus.NotInstalled, ReasonCode.NotInstalled),
        "ForbiddenOperationException" => (ReachStatus.NotInstalled, ReasonCode.NotInstalled),
        "BotDisabledByAdmin" => (ReachStatus.NotInstalled, ReasonCode.AdminBlocked),
        _ => (ReachStatus.NotInstalled, ReasonCode.MayNotBeInstalled),
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not create a personal conversation: {Outcome} {Status} {Code}")]
    private static partial void LogCreateFailed(ILogger logger, ConnectorOutcome outcome, int? status, string? code);
}
