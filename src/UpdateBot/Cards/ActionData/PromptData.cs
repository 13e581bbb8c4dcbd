using UpdateBot.Domain;

namespace UpdateBot.Cards;

/// <summary><see cref="Verbs.PromptQuiet"/>, <see cref="Verbs.PromptEdit"/> and <see cref="Verbs.PromptRefresh"/>: the member's squad-week.</summary>
public sealed record PromptData(string SquadId, IsoWeek Week) : ISquadWeekData;
