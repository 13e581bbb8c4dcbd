using UpdateBot.Domain;

namespace UpdateBot.Cards;

/// <summary><see cref="Verbs.DigestRefresh"/>: the draft, and the first item of the card to refresh (none for the header card).</summary>
public sealed record ReviewRefreshData(string SquadId, IsoWeek Week, string? ItemId = null) : ISquadWeekData;
