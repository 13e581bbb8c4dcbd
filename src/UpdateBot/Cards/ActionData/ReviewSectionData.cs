using UpdateBot.Domain;

namespace UpdateBot.Cards;

/// <summary><see cref="Verbs.DigestMoveUp"/> and <see cref="Verbs.DigestMoveDown"/>: the section to move.</summary>
public sealed record ReviewSectionData(string SquadId, IsoWeek Week, string SectionId) : ISquadWeekData;
