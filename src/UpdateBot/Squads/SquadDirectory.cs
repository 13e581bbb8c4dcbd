using UpdateBot.Storage;

namespace UpdateBot.Squads;

/// <summary>Finds the squad a person means: the team a message came from, or in a 1:1 chat the squads they belong to or lead.</summary>
public sealed class SquadDirectory(SquadStore squads, MemberStore members)
{
    public async Task<IReadOnlyList<Squad>> ForUserAsync(string userId, CancellationToken cancellationToken)
    {
        var memberOf = await members.SquadIdsForUserAsync(userId, cancellationToken);
        var all = await squads.ListAsync(cancellationToken);
        return all.Where(s => s.IsLead(userId) || memberOf.Contains(s.Id, StringComparer.Ordinal))
            .OrderByDescending(s => s.IsLead(userId))
            .ThenBy(s => s.Settings.Name, StringComparer.CurrentCultureIgnoreCase)
            .ToList();
    }

    /// <summary>
    /// The squad for a turn: the team's own in a channel; otherwise the user's (led squads first). With several,
    /// an argument naming one picks it.
    /// </summary>
    public async Task<Squad?> ResolveAsync(string? teamId, string userId, string? nameHint, bool leadOnly, CancellationToken cancellationToken)
    {
        if (teamId is not null)
        {
            var squad = await squads.GetAsync(teamId, cancellationToken);
            return squad is null || (leadOnly && !squad.IsLead(userId)) ? null : squad;
        }

        var candidates = (await ForUserAsync(userId, cancellationToken)).Where(s => !leadOnly || s.IsLead(userId)).ToList();
        if (!string.IsNullOrWhiteSpace(nameHint))
        {
            var named = candidates.FirstOrDefault(s => s.Settings.Name.Equals(nameHint.Trim(), StringComparison.OrdinalIgnoreCase));
            if (named is not null)
            {
                return named;
            }
        }

        return candidates.FirstOrDefault();
    }

    public async Task<bool> IsMemberOrLeadAsync(Squad squad, string userId, CancellationToken cancellationToken) =>
        squad.IsLead(userId) || (await members.GetAsync(squad.Id, userId, cancellationToken)) is { InRoster: true };
}
