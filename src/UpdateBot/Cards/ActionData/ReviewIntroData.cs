using System.Text.Json.Serialization;
using UpdateBot.Domain;

namespace UpdateBot.Cards;

/// <summary><see cref="Verbs.DigestIntro"/>: the fingerprint of the intro the lead saw, and the intro input (empty clears it).</summary>
public sealed record ReviewIntroData(string SquadId, IsoWeek Week, string Basis) : ISquadWeekData
{
    [JsonPropertyName(ReviewCards.IntroInput)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Intro { get; init; }
}
