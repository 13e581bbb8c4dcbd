using UpdateBot.Domain;

namespace UpdateBot.Cards;

/// <summary><see cref="Verbs.DigestHide"/> and <see cref="Verbs.DigestRestore"/>: one item of the draft.</summary>
public sealed record ReviewItemData(string SquadId, IsoWeek Week, string ItemId) : ISquadWeekData;
