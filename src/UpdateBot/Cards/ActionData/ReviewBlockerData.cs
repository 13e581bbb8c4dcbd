using UpdateBot.Domain;

namespace UpdateBot.Cards;

/// <summary>
/// <see cref="Verbs.DigestResolve"/> and <see cref="Verbs.DigestReopen"/>: one blocker line (<see cref="TrackedBlocker.Key"/>)
/// of one item of the draft.
/// </summary>
public sealed record ReviewBlockerData(string SquadId, IsoWeek Week, string ItemId, string Key) : ISquadWeekData;
