using UpdateBot.Domain;

namespace UpdateBot.Cards;

/// <summary><see cref="Verbs.DigestPublish"/>: the squad-week of the draft.</summary>
public sealed record ReviewData(string SquadId, IsoWeek Week) : ISquadWeekData;
