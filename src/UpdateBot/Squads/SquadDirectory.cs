using UpdateBot.Storage;

namespace UpdateBot.Squads;

/// <summary>Finds the squad a person means: the team a message came from, or in a 1:1 chat the squads they belong to or lead.</summary>
public sealed class SquadDirectory(SquadStore squads, MemberStore members, PeopleStore people)
{
    /// <summary>
    /// The squads this person is on (rostered) or leads, led ones first: the person index's list (kept in process a
    /// minute: <see cref="PeopleStore.RecentSquadIdsAsync"/>), then a point read of each linked squad and roster row
    /// (the index only says where to look).
    /// </summary>
    public async Task<IReadOnlyList<Squad>> ForUserAsync(string userId, CancellationToken cancellationToken)
    {
        var found = new List<Squad>();
        foreach (var squadId in await people.RecentSquadIdsAsync(userId, cancellationToken))
        {
            if (await squads.GetAsync(squadId, cancellationToken) is { } squad && await IsMemberOrLeadAsync(squad, userId, cancellationToken))
            {
                found.Add(squad);
            }
        }

        return found
            .OrderByDescending(s => s.IsLead(userId))
            .ThenBy(s => s.Settings.Name, StringComparer.CurrentCultureIgnoreCase)
            .ToList();
    }

    /// <summary>The team's own squad (for a channel message), or null when the app is not set up there or the person may not act for it.</summary>
    public async Task<Squad?> ForTeamAsync(string teamId, string userId, bool leadOnly, CancellationToken cancellationToken)
    {
        var squad = await squads.GetAsync(teamId, cancellationToken);
        return squad is null || (leadOnly && !squad.IsLead(userId)) ? null : squad;
    }

    public async Task<bool> IsMemberOrLeadAsync(Squad squad, string userId, CancellationToken cancellationToken) =>
        squad.IsLead(userId) || (await members.GetAsync(squad.Id, userId, cancellationToken)) is { InRoster: true };

    /// <summary>
    /// A squad named in a message ("status Alpha", "export Alpha 2026-W48"): the longest of <paramref name="squadsOfUser"/>'s
    /// names found in the text as whole words after its first word, and the text without it. Null when none is named.
    /// </summary>
    public static (Squad Squad, string Remainder)? Named(string? text, IReadOnlyList<Squad> squadsOfUser)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        foreach (var squad in squadsOfUser.OrderByDescending(s => s.Settings.Name.Length))
        {
            var name = squad.Settings.Name.Trim();
            for (var at = text.IndexOf(name, StringComparison.OrdinalIgnoreCase); name.Length > 0 && at >= 0; at = text.IndexOf(name, at + 1, StringComparison.OrdinalIgnoreCase))
            {
                var end = at + name.Length;
                // After the command word, never before it: "Platform stop" is a sentence, "stop Platform" a command.
                if (at > 0 && !char.IsLetterOrDigit(text[at - 1]) && (end == text.Length || !char.IsLetterOrDigit(text[end])))
                {
                    return (squad, (text[..at].TrimEnd() + " " + text[end..].TrimStart()).Trim());
                }
            }
        }

        return null;
    }
}
