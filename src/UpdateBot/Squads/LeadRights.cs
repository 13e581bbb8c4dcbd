using UpdateBot.Cards;
using UpdateBot.Deliveries;
using UpdateBot.Domain;
using UpdateBot.Localisation;
using UpdateBot.Messaging;
using UpdateBot.Storage;

namespace UpdateBot.Squads;

/// <summary>
/// Lead rights follow the team: a lead who is no longer in it loses them at the roster sync (no more drafts, no more
/// review or settings), and each remaining lead is told once, 1:1.
/// </summary>
public sealed class LeadRights(SquadStore squads, MemberStore members, DeliveryEngine delivery, Messenger messenger)
{
    /// <param name="roster">Everyone Teams lists in the team now.</param>
    public async Task DropLeadsWhoLeftAsync(Squad squad, IReadOnlyCollection<RosterEntry> roster, CancellationToken cancellationToken)
    {
        var inTeam = roster.Select(r => r.UserId).ToHashSet(StringComparer.Ordinal);
        var gone = squad.Settings.LeadIds.Where(id => !inTeam.Contains(id)).ToList();

        // An empty roster is a Teams answer to distrust, never a reason to take everyone's rights away.
        if (gone.Count == 0 || inTeam.Count == 0)
        {
            return;
        }

        var remaining = await squads.RemoveLeadsAsync(squad.Id, gone, cancellationToken);
        foreach (var leftId in gone)
        {
            var name = (await members.GetAsync(squad.Id, leftId, cancellationToken))?.Name;
            foreach (var leadId in remaining)
            {
                // One notice per remaining lead and departed lead, ever (the intent is its marker), in that lead's language.
                await delivery.DeliverAsync(TableKey.Join("team", squad.Id), "lead-left|" + TableKey.Encode(leftId) + "|" + TableKey.Encode(leadId),
                    async (_, ct) =>
                    {
                        var notice = NoticeCards.LeadLeft(name, squad.Settings.Name, await members.TextsForAsync(squad.Id, leadId, ct));
                        return await messenger.SendToMemberAsync(squad, leadId, notice, notice.FallbackText, ct);
                    }, cancellationToken);
            }
        }
    }
}
