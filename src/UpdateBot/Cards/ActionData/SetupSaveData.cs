using System.Text.Json.Serialization;

namespace UpdateBot.Cards;

/// <summary>
/// <see cref="Verbs.SetupSave"/>: the squad, the version of the settings the card was built from and the ids of the
/// sections it showed (in order), and the setup card's inputs (absent on the card, filled in by Teams).
/// </summary>
public sealed record SetupSaveData(string SquadId) : ICardActionData
{
    /// <summary>The <see cref="Storage.Squad.SettingsVersion"/> the card was built from; null on a card older than versions.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Version { get; init; }

    /// <summary>The ids of the sections the card showed, one per line of the sections input.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? SectionIds { get; init; }

    [JsonPropertyName(SetupCards.Inputs.Name)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Name { get; init; }

    [JsonPropertyName(SetupCards.Inputs.TimeZone)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? TimeZone { get; init; }

    [JsonPropertyName(SetupCards.Inputs.OpenDay)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? OpenDay { get; init; }

    [JsonPropertyName(SetupCards.Inputs.OpenTime)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? OpenTime { get; init; }

    [JsonPropertyName(SetupCards.Inputs.RemindDay)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? RemindDay { get; init; }

    [JsonPropertyName(SetupCards.Inputs.RemindTime)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? RemindTime { get; init; }

    [JsonPropertyName(SetupCards.Inputs.CompileDay)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? CompileDay { get; init; }

    [JsonPropertyName(SetupCards.Inputs.CompileTime)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? CompileTime { get; init; }

    [JsonPropertyName(SetupCards.Inputs.PublishDay)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? PublishDay { get; init; }

    [JsonPropertyName(SetupCards.Inputs.PublishTime)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? PublishTime { get; init; }

    [JsonPropertyName(SetupCards.Inputs.Sections)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Sections { get; init; }

    [JsonPropertyName(SetupCards.Inputs.AutoPublish)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? AutoPublish { get; init; }

    [JsonPropertyName(SetupCards.Inputs.PublishOpenly)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? PublishOpenly { get; init; }

    [JsonPropertyName(SetupCards.Inputs.OpenSlug)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? OpenSlug { get; init; }

    /// <summary>Comma-separated ids of the sections ticked public; null on an older card without the input.</summary>
    [JsonPropertyName(SetupCards.Inputs.PublicSections)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? PublicSections { get; init; }

    /// <summary>Comma-separated ids of the sections ticked "carry forward"; null on an older card without the input.</summary>
    [JsonPropertyName(SetupCards.Inputs.CarryForwardSections)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? CarryForwardSections { get; init; }

    /// <summary>Comma-separated user ids picked on the card; null on an older card without the input.</summary>
    [JsonPropertyName(SetupCards.Inputs.Leads)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Leads { get; init; }
}
