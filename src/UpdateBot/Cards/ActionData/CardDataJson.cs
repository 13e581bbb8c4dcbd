using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace UpdateBot.Cards;

/// <summary>
/// How card action data is written onto cards and read back from the action: the same records, the same options,
/// so a key is spelled in one place. Reading is strict about what a verb needs (a missing or null required value, or
/// a value of the wrong type, is an error) and ignores keys it does not know, because Teams merges every input of the
/// card (and, for <c>Action.Submit</c>, the verb) into the same object (docs/protocol.md, "Universal Actions").
/// </summary>
public static class CardDataJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        NumberHandling = JsonNumberHandling.Strict,
        Converters = { new IsoWeekJsonConverter() },
        // Source-generated metadata for the action data records (written on every card, read on every click).
        TypeInfoResolver = JsonTypeInfoResolver.Combine(CardDataJsonContext.Default, new DefaultJsonTypeInfoResolver()),
    };

    public static JsonElement ToElement<TData>(TData data)
        where TData : ICardActionData => JsonSerializer.SerializeToElement(data, Options);
}

/// <summary>Source-generated metadata for the card action data records; the options stay in <see cref="CardDataJson"/>.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(AskData))]
[JsonSerializable(typeof(CaptureData))]
[JsonSerializable(typeof(PromptAwayData))]
[JsonSerializable(typeof(PromptData))]
[JsonSerializable(typeof(PromptSubmitData))]
[JsonSerializable(typeof(ReviewBlockerData))]
[JsonSerializable(typeof(QuestionAnswerData))]
[JsonSerializable(typeof(ReviewData))]
[JsonSerializable(typeof(ReviewEditData))]
[JsonSerializable(typeof(ReviewIntroData))]
[JsonSerializable(typeof(ReviewItemData))]
[JsonSerializable(typeof(ReviewRefreshData))]
[JsonSerializable(typeof(ReviewSectionData))]
[JsonSerializable(typeof(SetupSaveData))]
[JsonSerializable(typeof(SquadChoiceData))]
[JsonSerializable(typeof(Dictionary<string, JsonElement>))]
internal sealed partial class CardDataJsonContext : JsonSerializerContext;
