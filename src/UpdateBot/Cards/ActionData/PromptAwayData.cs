using System.Text.Json.Serialization;
using UpdateBot.Domain;

namespace UpdateBot.Cards;

/// <summary><see cref="Verbs.PromptAway"/>: the squad-week and the date input ("yyyy-MM-dd", empty when none was picked).</summary>
public sealed record PromptAwayData(string SquadId, IsoWeek Week) : ISquadWeekData
{
    [JsonPropertyName(PromptCards.AwayInput)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? AwayUntil { get; init; }
}
