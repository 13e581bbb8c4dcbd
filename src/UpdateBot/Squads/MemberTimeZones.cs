using System.Text.Json;
using UpdateBot.Domain;
using UpdateBot.Localisation;
using UpdateBot.Storage;
using UpdateBot.Teams.Schema;

namespace UpdateBot.Squads;

/// <summary>
/// Each member's own time zone (README, "Each member's own time"): learned from the Teams client on the person's own
/// activities, or set with <c>my time zone …</c>; kept on their 1:1 chat reference and copied, only when it changes,
/// to their roster row in every squad (read by the fan-out) and to each squad's list of member zones (read by the
/// scheduler), so neither a turn nor a tick reads anything more for it.
/// </summary>
public sealed class MemberTimeZones(ConversationStore conversations, PeopleStore people, MemberStore members, SquadStore squads)
{
    /// <summary>
    /// The IANA zone the Teams client reported on this activity: the <c>timezone</c> of its <c>clientInfo</c> entity
    /// (docs/protocol.md, "clientInfo"), or null.
    /// </summary>
    public static string? ClientTimeZone(Activity activity) =>
        activity.Entities?.FirstOrDefault(e => string.Equals(e.Type, "clientInfo", StringComparison.OrdinalIgnoreCase))?.ExtensionData?.GetValueOrDefault("timezone") is { ValueKind: JsonValueKind.String } zone
            ? zone.GetString()
            : null;

    /// <summary>
    /// The zones a squad's list of member zones holds: those of the members on its roster. The fan-out and erasure set
    /// the list to this, so a zone nobody has any more (one that would identify a person) does not stay.
    /// </summary>
    public static IReadOnlyList<string> OfRoster(IEnumerable<Member> roster) =>
        roster.Where(m => m.InRoster && m.TimeZone is not null).Select(m => m.TimeZone!.Id).ToList();

    /// <summary>Copies a person's changed zone to their roster rows and their squads' zone lists.</summary>
    public async Task ApplyAsync(string userId, string? timeZoneId, CancellationToken cancellationToken)
    {
        foreach (var squadId in await people.SquadIdsAsync(userId, cancellationToken))
        {
            if (await members.SetTimeZoneAsync(squadId, userId, timeZoneId, cancellationToken) && timeZoneId is not null)
            {
                await squads.AddMemberTimeZoneAsync(squadId, timeZoneId, cancellationToken);
            }
        }
    }

    /// <summary>
    /// <c>my time zone</c> (what is known and how), <c>my time zone Europe/Lisbon</c> (set it; it stands until they set
    /// another), <c>my time zone auto</c> (take it from Teams again). Returns what to tell the person.
    /// </summary>
    public async Task<string> CommandAsync(string userId, string argument, CancellationToken cancellationToken, Texts? texts = null)
    {
        var t = texts ?? Texts.English;
        var typed = argument.Trim();
        var current = await conversations.GetAsync(ConversationStore.User, userId, cancellationToken);
        if (typed.Length == 0)
        {
            return current?.TimeZoneId is { } zone
                ? t.Format(current.TimeZoneSource == TimeZoneSource.Set ? "TimeZone.Known.Set" : "TimeZone.Known.Teams", zone)
                : t["TimeZone.Unknown"];
        }

        if (current is null)
        {
            return t["TimeZone.NoChat"];
        }

        if (string.Equals(typed, "auto", StringComparison.OrdinalIgnoreCase))
        {
            await conversations.SetTimeZoneAsync(userId, null, cancellationToken);
            return current.TimeZoneId is { } known
                ? t.Format("TimeZone.Auto.Known", known)
                : t["TimeZone.Auto.Unknown"];
        }

        if (PersonTimeZone.Parse(typed) is not { } zoneId)
        {
            return t.Format("TimeZone.NotAZone", typed);
        }

        await conversations.SetTimeZoneAsync(userId, zoneId, cancellationToken);
        await ApplyAsync(userId, zoneId, cancellationToken);
        return t.Format("TimeZone.Set", zoneId);
    }
}
