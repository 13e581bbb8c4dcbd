using System.Text.Json.Serialization;
using UpdateBot.Domain;

namespace UpdateBot.Cards;

/// <summary>
/// <see cref="Verbs.CaptureMove"/> and <see cref="Verbs.CaptureUndo"/>: the text captured from the chat and the
/// section it went into; a move also carries the section picked on the card.
/// </summary>
public sealed record CaptureData(string SquadId, IsoWeek Week, string SectionId, string Text) : ISquadWeekData
{
    [JsonPropertyName(PromptCards.MoveTargetInput)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Target { get; init; }
}
