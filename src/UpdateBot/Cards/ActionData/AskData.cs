using System.Text.Json;
using System.Text.Json.Serialization;
using UpdateBot.Domain;

namespace UpdateBot.Cards;

/// <summary>
/// <see cref="Verbs.DigestAsk"/>: a reader's question about an item of the week's channel post. The item is named by
/// <see cref="ItemId"/> (one <i>Ask about this</i> per item) or chosen in the input <see cref="ItemInputId"/> (one per
/// section, when per-item actions would not fit the post); the question is the input <see cref="InputId"/>.
/// </summary>
public sealed record AskData(string SquadId, IsoWeek Week, string InputId, string? ItemId = null, string? ItemInputId = null) : ISquadWeekData
{
    /// <summary>Everything else Teams sent: the inputs among them.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Inputs { get; set; }

    /// <summary>The text of one of the card's inputs, or null.</summary>
    public string? Input(string? id) =>
        id is not null && Inputs?.GetValueOrDefault(id) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;
}

/// <summary>
/// <see cref="Verbs.QuestionAnswer"/>: an author answers a reader's question on the card it came on, 1:1.
/// <see cref="AskedWeek"/> is the week the question was asked in (where it is kept); a question can be answered any
/// time while it is kept, so this is not a week the card acts on.
/// </summary>
public sealed record QuestionAnswerData(string SquadId, IsoWeek AskedWeek, string QuestionId) : ICardActionData
{
    public const string AnswerInput = "answer";

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Inputs { get; set; }

    /// <summary>The typed answer (a method, not a property: a property named like the input would take its value).</summary>
    public string? TypedAnswer() => Inputs?.GetValueOrDefault(AnswerInput) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;
}
