using System.Text.Json;
using System.Text.Json.Serialization;
using UpdateBot.Domain;

namespace UpdateBot.Cards;

/// <summary>
/// <see cref="Verbs.DigestEdit"/>: one item, the fingerprint of the text the lead saw, and the id of the input holding
/// the new text (one per item on a card, so the id varies).
/// </summary>
public sealed record ReviewEditData(string SquadId, IsoWeek Week, string ItemId, string Basis, string InputId) : ISquadWeekData
{
    /// <summary>Everything else Teams sent: the text input among them.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Inputs { get; set; }
}
