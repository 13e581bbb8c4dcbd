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
    /// <summary>The team-only flag the card showed (null: the card had no toggle).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? TeamOnlyShown { get; init; }

    /// <summary>The public name the card showed ("" when the member had not chosen; null: the card had no choice).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? PublicNameShown { get; init; }

    /// <summary>Everything else Teams sent: the section inputs among them.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Inputs { get; set; }
}
