using System.Text.Json;
using System.Text.Json.Serialization;
using UpdateBot.Domain;

namespace UpdateBot.Cards;

/// <summary>An ISO week on a card as "2026-W48"; anything else is a JSON error (a bad request), never a default week.</summary>
public sealed class IsoWeekJsonConverter : JsonConverter<IsoWeek>
{
    public override IsoWeek Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String && IsoWeek.TryParse(reader.GetString(), out var week)
            ? week
            : throw new JsonException("Expected an ISO week such as 2026-W48.");

    public override void Write(Utf8JsonWriter writer, IsoWeek value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString());
}
