using Microsoft.Extensions.Options;
using UpdateBot.Cards;
using UpdateBot.Cycle;
using UpdateBot.Domain;
using UpdateBot.Localisation;
using UpdateBot.Messaging;
using UpdateBot.Storage;

namespace UpdateBot.Deliveries;

/// <summary>
/// The team welcome: a post in the channel the app was added to, and the setup card in its thread. Both are intents of
/// the delivery engine with fixed keys in the team's partition, so they follow its rules like every other message: sent
/// on the install event; after an outcome that proved nothing was delivered, sent again by the scheduler while the squad
/// is not set up and the install is inside the catch-up window; after one that may have been delivered, never sent
/// again automatically, but shown in <c>status</c> and sent once more on <c>send again</c>.
/// </summary>
public sealed partial class TeamWelcome(
    CycleStore cycle,
    DeliveryEngine delivery,
    Messenger messenger,
    MemberStore members,
    CycleRunner runner,
    IOptions<CycleOptions> cycleOptions,
    TimeProvider time,
    ILogger<TeamWelcome> logger)
{
    public const string WelcomeKey = "welcome";
    public const string SetupKey = "welcome|setup";

    public static string Partition(string teamId) => TableKey.Join("team", teamId);

    /// <summary>Sends whatever of the welcome has not gone out yet (each part at most once). True when both are in the channel.</summary>
    public async Task<bool> DeliverAsync(Squad squad, CancellationToken cancellationToken)
    {
        // Said to the whole team: in the language of whoever added the app (docs/localisation.md, "Which language a person gets").
        var t = Texts.For(Languages.ForTeam(squad.InstallerLanguage, squad.Settings.Headings));
        var welcome = await delivery.DeliverAsync(Partition(squad.Id), WelcomeKey, async (_, ct) =>
        {
            // The roster first, so the setup card can offer the team's members as leads.
            await runner.SyncRosterAsync(squad, ct);
            return await messenger.PostToChannelAsync(squad, WelcomeCards.Welcome(inTeam: true, squad.Settings.Name, squad.Settings.Schedule, t), t["Welcome.Team.Notify"], ct);
        }, cancellationToken);
        if (!welcome.IsDelivered)
        {
            if (welcome.Delivery is { } failed)
            {
                LogWelcomeFailed(logger, squad.Id, failed.Reach, failed.Detail);
            }

            return false;
        }

        var setup = await delivery.DeliverAsync(Partition(squad.Id), SetupKey, async (_, ct) =>
            await messenger.SendCardAsync(squad.ServiceUrl, welcome.Marker.ConversationId!, SetupCards.Form(squad, null, [], await members.ListAsync(squad.Id, ct), texts: t), ct), cancellationToken);
        return setup.IsDelivered;
    }

    /// <summary>
    /// The scheduler's part: a squad not set up yet, installed inside the catch-up window, gets what of its welcome is
    /// still pending (waiting for a retry, or never claimed because the install turn failed first). Settled parts are
    /// only read, never sent again.
    /// </summary>
    public async Task RetryIfDueAsync(Squad squad, CancellationToken cancellationToken)
    {
        if (squad.IsConfigured || time.GetUtcNow() - squad.InstalledAt > cycleOptions.Value.CatchUpWindow)
        {
            return;
        }

        await DeliverAsync(squad, cancellationToken);
    }

    /// <summary>The welcome's parts that did not simply go out: waiting for a retry, unconfirmed, or refused.</summary>
    /// <returns>Each part's name as a string key (<c>Status.Welcome.Post</c>, <c>Status.Welcome.Setup</c>) and its marker.</returns>
    public async Task<IReadOnlyList<(string What, MarkerRow Marker)>> UnsettledAsync(Squad squad, CancellationToken cancellationToken)
    {
        var unsettled = new List<(string, MarkerRow)>();
        foreach (var (key, what) in new[] { (WelcomeKey, "Status.Welcome.Post"), (SetupKey, "Status.Welcome.Setup") })
        {
            if (await cycle.FindMarkerAsync(Partition(squad.Id), key, cancellationToken) is { State: MarkerStates.Retry or MarkerStates.Unconfirmed or MarkerStates.Unreachable or MarkerStates.Sending } marker)
            {
                unsettled.Add((what, marker));
            }
        }

        return unsettled;
    }

    /// <summary>Whether the scheduler still retries the welcome (see <see cref="RetryIfDueAsync"/>).</summary>
    public bool StillRetried(Squad squad) => !squad.IsConfigured && time.GetUtcNow() - squad.InstalledAt <= cycleOptions.Value.CatchUpWindow;

    /// <summary>A lead's "send again": an unconfirmed welcome or setup card is sent once more. Returns how many were released.</summary>
    public async Task<int> SendAgainAsync(Squad squad, CancellationToken cancellationToken)
    {
        var released = 0;
        foreach (var key in new[] { WelcomeKey, SetupKey })
        {
            released += await delivery.ReleaseUnconfirmedAsync(Partition(squad.Id), key, cancellationToken) ? 1 : 0;
        }

        if (released > 0)
        {
            await DeliverAsync(squad, cancellationToken);
        }

        return released;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not post the welcome card in team {TeamId}: {Reach} {Detail}")]
    private static partial void LogWelcomeFailed(ILogger logger, string teamId, UpdateBot.Domain.ReachStatus reach, string? detail);
}
