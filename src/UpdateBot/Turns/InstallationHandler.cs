using Microsoft.Extensions.Logging;
using UpdateBot.Cards;
using UpdateBot.Deliveries;
using UpdateBot.Messaging;
using UpdateBot.Storage;
using UpdateBot.Teams.Connector;
using UpdateBot.Teams.Schema;

namespace UpdateBot.Turns;

/// <summary>
/// Install and membership events (docs/protocol.md, "Install lifecycle"). Teams sends both an <c>installationUpdate</c> and a
/// <c>conversationUpdate</c> for one install, so the welcome is claimed once per install.
/// </summary>
public sealed partial class InstallationHandler(
    SquadStore squads,
    MemberStore members,
    ConversationStore conversations,
    CycleStore cycle,
    DeliveryEngine delivery,
    TeamWelcome welcome,
    Messenger messenger,
    ConnectorClient connector,
    ILogger<InstallationHandler> logger)
{
    private const string WelcomeKey = TeamWelcome.WelcomeKey;

    public async Task OnInstallationUpdateAsync(Turn turn, CancellationToken cancellationToken)
    {
        var action = turn.Activity.Action ?? "";
        var adding = action.StartsWith("add", StringComparison.OrdinalIgnoreCase);
        var removing = action.StartsWith("remove", StringComparison.OrdinalIgnoreCase);
        if (turn.TeamId is { } teamId)
        {
            if (adding)
            {
                await OnBotAddedToTeamAsync(turn, teamId, cancellationToken);
            }
            else if (removing)
            {
                await OnBotRemovedFromTeamAsync(teamId, cancellationToken);
            }
        }
        else if (turn.IsPersonal)
        {
            if (adding)
            {
                await WelcomePersonallyAsync(turn, cancellationToken);
            }
            else if (removing)
            {
                // Uninstalled personally: both directions now fail with 403 (docs/protocol.md, "Install lifecycle"), so stop using the chat.
                await conversations.MarkInactiveAsync(ConversationStore.User, turn.UserId, cancellationToken);
                await cycle.ForgetAsync(UserPartition(turn.UserId), WelcomeKey, cancellationToken);
            }
        }
    }

    public async Task OnConversationUpdateAsync(Turn turn, CancellationToken cancellationToken)
    {
        var activity = turn.Activity;
        var botId = turn.BotId;
        var added = activity.MembersAdded ?? [];
        var removed = activity.MembersRemoved ?? [];
        var teamId = turn.TeamId;

        if (added.Any(m => m.Id == botId))
        {
            if (teamId is not null)
            {
                await OnBotAddedToTeamAsync(turn, teamId, cancellationToken);
            }
            else if (turn.IsPersonal)
            {
                await WelcomePersonallyAsync(turn, cancellationToken);
            }
        }

        if (teamId is not null && removed.Any(m => m.Id == botId))
        {
            await OnBotRemovedFromTeamAsync(teamId, cancellationToken);
            return;
        }

        if (teamId is null || await squads.GetAsync(teamId, cancellationToken) is null)
        {
            return;
        }

        // Nobody waits for a member-added event's answer: its roster reads go behind every turn's replies.
        using var background = ConnectorTraffic.Use(ConnectorPriority.Background);
        foreach (var member in added.Where(m => m.Id is not null && m.Id != botId && !m.Id.StartsWith("28:", StringComparison.Ordinal)))
        {
            // Member-added events often carry only the id (docs/protocol.md, "Install lifecycle"): fetch the name.
            var details = await connector.GetMemberAsync(turn.ServiceUrl, teamId, member.Id!, cancellationToken);
            var name = details.Value?.Name ?? member.Name ?? "A new member";
            await members.AddOrRefreshAsync(teamId, new RosterEntry(member.Id!, name, details.Value?.EntraObjectId ?? member.AadObjectId, details.Value?.Email, details.Value?.UserRole), cancellationToken);
        }

        foreach (var member in removed.Where(m => m.Id is not null && m.Id != botId))
        {
            await members.MarkLeftAsync(teamId, member.Id!, cancellationToken);
        }
    }

    private async Task OnBotAddedToTeamAsync(Turn turn, string teamId, CancellationToken cancellationToken)
    {
        var data = turn.Activity.ChannelData;
        var channelId = data?.Settings?.SelectedChannel?.Id ?? turn.ChannelId ?? teamId;
        var installer = turn.Activity.From?.Id is { } from && from.StartsWith("29:", StringComparison.Ordinal) || turn.Activity.From?.AadObjectId is not null ? turn.Activity.From?.Id : null;
        var squad = await squads.RecordInstallAsync(teamId, data?.Team?.Name, turn.TenantId, turn.ServiceUrl, turn.BotId, channelId, installer, cancellationToken,
            installer is null ? null : UpdateBot.Domain.Languages.FromLocale(turn.Activity.Locale));
        if (data?.Team?.AadGroupId is { Length: > 0 } groupId)
        {
            await squads.SetGroupIdAsync(teamId, groupId, cancellationToken);
        }

        if (installer is not null && turn.Activity.From?.Name is { } installerName)
        {
            await members.AddOrRefreshAsync(teamId, new RosterEntry(installer, installerName, turn.Activity.From.AadObjectId, null, null), cancellationToken);
        }

        // The welcome post and the setup card in its thread are two intents of the delivery engine: each happens once,
        // and one that provably did not arrive is sent again by the scheduler (TeamWelcome), not only on the next install event.
        // So a failure while sending it (a storage blip in the roster sync, say) is the engine's to retry: the install is
        // recorded, and answering 500 would only make Teams resend the event.
        try
        {
            await welcome.DeliverAsync(squad, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogWelcomeDeferred(logger, teamId, e);
        }
    }

    private async Task OnBotRemovedFromTeamAsync(string teamId, CancellationToken cancellationToken)
    {
        await squads.MarkRemovedAsync(teamId, cancellationToken);
        await conversations.MarkInactiveAsync(ConversationStore.Team, teamId, cancellationToken);
        await cycle.ForgetAsync(TeamWelcome.Partition(teamId), TeamWelcome.WelcomeKey, cancellationToken);
        await cycle.ForgetAsync(TeamWelcome.Partition(teamId), TeamWelcome.SetupKey, cancellationToken);
    }

    private async Task WelcomePersonallyAsync(Turn turn, CancellationToken cancellationToken)
    {
        await delivery.DeliverAsync(UserPartition(turn.UserId), WelcomeKey,
            (_, ct) => messenger.SendCardAsync(turn.ServiceUrl, turn.ConversationId, WelcomeCards.Welcome(inTeam: false, null, texts: turn.Texts), ct), cancellationToken);
    }

    private static string UserPartition(string userId) => TableKey.Join("user", userId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The welcome in team {TeamId} could not be sent during the install event; the scheduler sends it")]
    private static partial void LogWelcomeDeferred(ILogger logger, string teamId, Exception exception);
}
