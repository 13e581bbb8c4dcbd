using System.Text.Json;
using System.Text.Json.Serialization;
using UpdateBot.Domain;

namespace UpdateBot.Cards;

/// <summary>
/// <see cref="Verbs.PromptSubmit"/>: the squad-week, the fingerprint of the answers the form was based on, and the
/// section inputs (<see cref="PromptCards.SectionInput"/>), whose ids depend on the squad's sections.
/// </summary>
public sealed record PromptSubmitData(string SquadId, IsoWeek Week, string? Basis = null) : ISquadWeekData
{
    /// <summary>Everything else Teams sent: the section inputs among them.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Inputs { get; set; }
}
