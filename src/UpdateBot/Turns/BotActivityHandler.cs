using System.Text.Json;
using Microsoft.Extensions.Options;
using UpdateBot.Hosting;
using UpdateBot.Messaging;
using UpdateBot.Storage;
using UpdateBot.Teams.Cards;
using UpdateBot.Teams.Hosting;
using UpdateBot.Teams.Schema;

namespace UpdateBot.Turns;

/// <summary>
/// The application's side of the turn pipeline: remembers where everyone can be reached, then dispatches by
/// activity type. Returns the invoke response for card actions; everything else is answered 200 by the endpoint.
/// </summary>
public sealed class BotActivityHandler(
    ConversationStore conversations,
    SquadStore squads,
    InstallationHandler installs,
    CommandHandler commands,
    CardActionHandler cardActions,
    Messenger messenger,
    BackgroundWork background,
    IOptions<TurnOptions> turnOptions,
    TimeProvider time,
    BotMetrics metrics,
    UpdateBot.Squads.MemberTimeZones timeZones,
    UpdateBot.Squads.MemberLanguages languages) : IActivityHandler
{
    private const string AdaptiveCardActionInvoke = "adaptiveCard/action";

    public async Task<InvokeResponse?> HandleAsync(Activity activity, CancellationToken cancellationToken)
    {
        var turn = new Turn(activity);
        switch (activity.Type)
        {
            case ActivityTypes.Message when CardSubmit(activity) is { } submit:
                await OnCardSubmitAsync(turn, submit.Verb, submit.Data, cancellationToken);
                return null;
            case ActivityTypes.Invoke when activity.Name == AdaptiveCardActionInvoke:
                return await OnExecuteAsync(turn, cancellationToken);
        }

        turn = await RememberReferencesAsync(turn, cancellationToken);
        switch (activity.Type)
        {
            case ActivityTypes.Message:
                await commands.HandleAsync(turn, cancellationToken);
                return null;
            case ActivityTypes.Invoke:
                // Invokes we do not use (task modules, message extensions…) are acknowledged and ignored.
                return InvokeResponse.Ok();
            case ActivityTypes.InstallationUpdate:
                await installs.OnInstallationUpdateAsync(turn, cancellationToken);
                return null;
            case ActivityTypes.ConversationUpdate:
                await installs.OnConversationUpdateAsync(turn, cancellationToken);
                return null;
            default:
                // Reactions, edits, typing, events and types Teams adds later: acknowledged, nothing to do (docs/protocol.md, "Install lifecycle").
                return null;
        }
    }

    /// <summary>
    /// Checks a card action before anything is remembered from it: a refused action (sent from a chat that is not
    /// the sender's own, say) must not re-point the sender's stored chat either.
    /// </summary>
    private async Task<CardActionResult> RunCardActionAsync(Turn turn, string? verb, JsonElement? data, CancellationToken cancellationToken)
    {
        var admission = await cardActions.AdmitAsync(turn, verb, data, cancellationToken);
        if (!admission.Admitted)
        {
            metrics.CardAction(admission.MetricVerb, admission.Refusal.StatusCode);
            return admission.Refusal;
        }

        var remembered = await RememberReferencesAsync(turn, cancellationToken);
        var result = await cardActions.RunAsync(admission.Request with { Turn = remembered }, cancellationToken);
        metrics.CardAction(admission.MetricVerb, result.StatusCode);
        return result;
    }

    /// <summary>Universal Actions (docs/protocol.md, "Universal Actions"): the answer goes back in the invoke response, with the envelope.</summary>
    private async Task<InvokeResponse> OnExecuteAsync(Turn turn, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        AdaptiveCardInvokeValue? value = null;
        if (turn.Activity.Value is { ValueKind: JsonValueKind.Object } raw)
        {
            try
            {
                value = raw.Deserialize<AdaptiveCardInvokeValue>(ProtocolJson.Options);
            }
            catch (JsonException)
            {
                // The boundary checked the shape; a value that still does not read (duplicate or case-variant keys of
                // another type) is the caller's error, not ours.
                value = null;
            }
        }

        if (value?.Action is not { Type: "Action.Execute", Verb: { Length: > 0 } verb } action)
        {
            return AdaptiveCardInvokeResponse.Error(400, "BadRequest", "Expected an Action.Execute with a verb.").ToInvokeResponse();
        }

        var result = await RunCardActionAsync(turn, verb, action.Data, cancellationToken);
        if (!result.Succeeded)
        {
            return AdaptiveCardInvokeResponse.Error(result.StatusCode, result.ErrorCode ?? "Error", result.Message ?? "That didn't work.").ToInvokeResponse();
        }

        // The invoke response replaces the card in the invoker's view (docs/protocol.md, "Updating a card in place"). In
        // a 1:1 chat that is the only view, so nothing else is sent. A shared card (the setup card in a channel) is also
        // PUT so that everyone sees it. Never on an automatic refresh: an edit re-triggers refresh. The message replaced
        // is always in the activity's own conversation, which the route has admitted. The envelope carries a card or a
        // message, never both: a message that comes with a card ("another lead changed this") goes to the chat, as on
        // the Action.Submit path.
        var update = result.Card is not null && value.Trigger != "automatic" && !turn.IsPersonal ? turn.Activity.ReplyToId : null;
        var note = result.Card is not null ? result.Message : null;
        if (update is not null || note is not null)
        {
            // Interactive first: these sends wait behind Teams' limits like any other, so the invoke answers by the
            // deadline whatever they do, and they finish in the background (docs/protocol.md, "Time budget").
            var (serviceUrl, conversationId, card) = (turn.ServiceUrl, turn.ConversationId, result.Card);
            await background.RunWithinAsync(async (services, ct) =>
            {
                var sender = services.GetRequiredService<Messenger>();
                if (update is not null)
                {
                    await sender.UpdateCardAsync(serviceUrl, conversationId, update, card!, ct);
                }

                if (note is not null)
                {
                    await sender.SendTextAsync(serviceUrl, conversationId, note, ct);
                }

                return true;
            }, turnOptions.Value.InvokeDeadline - time.GetElapsedTime(started), cancellationToken);
        }

        return (result.Card is not null
            ? AdaptiveCardInvokeResponse.Card(result.Card)
            : AdaptiveCardInvokeResponse.Message(result.Message ?? "Done.")).ToInvokeResponse();
    }

    /// <summary>The <c>Action.Submit</c> fallback arrives as a message with <c>value</c>; the card is updated by PUT (docs/protocol.md, "Action.Submit").</summary>
    private async Task OnCardSubmitAsync(Turn turn, string verb, JsonElement data, CancellationToken cancellationToken)
    {
        var result = await RunCardActionAsync(turn, verb, data, cancellationToken);
        if (result.Card is not null && turn.Activity.ReplyToId is { } replyTo)
        {
            await messenger.UpdateCardAsync(turn.ServiceUrl, turn.ConversationId, replyTo, result.Card, cancellationToken);
        }
        else if (result.Card is not null)
        {
            await messenger.SendCardAsync(turn.ServiceUrl, turn.ConversationId, result.Card, cancellationToken);
        }

        if (result.Message is not null)
        {
            // A classic submit has no error envelope: a refusal or unreadable card is a friendly line in the same chat.
            await messenger.SendTextAsync(turn.ServiceUrl, turn.ConversationId, result.Message, cancellationToken);
        }
    }

    private static (string Verb, JsonElement Data)? CardSubmit(Activity activity)
    {
        if (activity.Value is not { } value)
        {
            return null;
        }

        // messageBack/submit values may arrive as a JSON string (docs/protocol.md, "Values and card submits").
        if (value.ValueKind == JsonValueKind.String)
        {
            try
            {
                value = JsonDocument.Parse(value.GetString()!).RootElement;
            }
            catch (JsonException)
            {
                return null;
            }
        }

        return value.ValueKind == JsonValueKind.Object && value.TryGetProperty("verb", out var verb) && verb.ValueKind == JsonValueKind.String && verb.GetString() is { Length: > 0 } name
            ? (name, value)
            : null;
    }

    /// <summary>
    /// Every inbound activity refreshes the references it carries, so the newest serviceUrl is used (docs/protocol.md,
    /// "Service URL"). Returns the turn with the language of its sender's 1:1 reference (their choice, or their Teams
    /// locale's) when the activity is from their own chat, and elsewhere (the channel) with the language they chose, if they chose one.
    /// </summary>
    private async Task<Turn> RememberReferencesAsync(Turn turn, CancellationToken cancellationToken)
    {
        if (turn.ServiceUrl.Length == 0 || turn.UserId.Length == 0)
        {
            return turn;
        }

        var from = turn.Activity.From;
        var uninstalling = turn.Activity.Type == ActivityTypes.InstallationUpdate && turn.Activity.Action?.StartsWith("remove", StringComparison.Ordinal) == true;
        if (turn.IsPersonal && turn.ConversationId.Length > 0 && !uninstalling)
        {
            // The person's time zone comes with their own chat's reference: written (and copied to their squads) only
            // when the client reports a new one (README, "Each member's own time").
            var reference = new ConversationReference(ConversationStore.User, turn.UserId, turn.ConversationId, turn.ServiceUrl, turn.TenantId, turn.BotId, from?.Name, from?.AadObjectId, null, true)
            {
                ClientTimeZoneId = UpdateBot.Squads.MemberTimeZones.ClientTimeZone(turn.Activity),
                ClientLanguage = UpdateBot.Domain.Languages.FromLocale(turn.Activity.Locale),
            };
            var saved = await conversations.SaveAsync(reference, cancellationToken);
            if (saved.ChangedTimeZoneId is { } changedZone)
            {
                await timeZones.ApplyAsync(turn.UserId, changedZone, cancellationToken);
            }

            // The language likewise: copied to the person's roster rows (read by the fan-out) only when it changes.
            if (saved.LanguageChanged)
            {
                await languages.ApplyAsync(turn.UserId, saved.Language, cancellationToken);
            }

            turn = turn with { Language = saved.Language };
        }
        else if (!turn.IsPersonal && await conversations.ChosenLanguageAsync(turn.UserId, cancellationToken) is { } chosen)
        {
            // In the channel too, a person's own choice beats their Teams locale (README, "Welsh and English").
            turn = turn with { Language = chosen };
        }

        if (turn.TeamId is { } teamId)
        {
            await conversations.SaveAsync(new ConversationReference(ConversationStore.Team, teamId, teamId, turn.ServiceUrl, turn.TenantId, turn.BotId, turn.Activity.ChannelData?.Team?.Name, null, teamId, true), cancellationToken);
            await squads.RefreshServiceUrlAsync(teamId, turn.ServiceUrl, cancellationToken);
        }

        if (turn.ChannelId is { } channelId && turn.Activity.Conversation?.ConversationType == ConversationTypes.Channel)
        {
            await conversations.SaveAsync(new ConversationReference(ConversationStore.Channel, channelId, channelId, turn.ServiceUrl, turn.TenantId, turn.BotId, turn.Activity.ChannelData?.Channel?.Name, null, turn.TeamId, true), cancellationToken);
        }

        return turn;
    }
}
