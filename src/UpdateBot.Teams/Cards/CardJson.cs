using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using UpdateBot.Teams.Schema;

namespace UpdateBot.Teams.Cards;

/// <summary>Serialises cards to the JSON Teams expects and measures them the way Teams does.</summary>
public static class CardJson
{
    private static readonly JsonSerializerOptions Options = CreateOptions();

    /// <summary>
    /// The budget for one message, measured as UTF-16 bytes of the serialised activity (docs/protocol.md, "Card size":
    /// Teams counts the stored message as UTF-16; 28 K leaves margin under every documented limit).
    /// </summary>
    public const int MaxMessageUtf16Bytes = 28_000;

    public static JsonElement ToElement(AdaptiveCard card) => JsonSerializer.SerializeToElement(card, Options);

    public static string Serialize(AdaptiveCard card) => JsonSerializer.Serialize(card, Options);

    /// <summary>A card serialised earlier by <see cref="Serialize"/>, read back to be sent as it was.</summary>
    public static JsonElement Parse(string json) => JsonSerializer.Deserialize<JsonElement>(json);

    /// <summary>The message activity carrying this card, as it will be sent.</summary>
    public static Activity ToActivity(AdaptiveCard card, string? summary = null) => Activity.CreateCard(ToElement(card), summary);

    /// <summary>UTF-16 size of the whole outbound activity (what Teams measures), in bytes.</summary>
    public static int MeasureUtf16Bytes(Activity activity) =>
        Encoding.Unicode.GetByteCount(JsonSerializer.Serialize(activity, ProtocolJson.Options));

    public static int MeasureUtf16Bytes(AdaptiveCard card) => MeasureUtf16Bytes(ToActivity(card));

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            // Non-ASCII text (names such as Siân, emoji) is written as itself, not as \uXXXX escapes: smaller on the
            // wire and measured as Teams stores it (docs/protocol.md, "Card size"). Quotes, backslashes and controls are still escaped.
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            // Every card is serialised at least once per turn that answers with one: source-generated metadata.
            TypeInfoResolver = JsonTypeInfoResolver.Combine(CardJsonContext.Default, new DefaultJsonTypeInfoResolver()),
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}

/// <summary>Source-generated metadata for Adaptive Cards (the options, with their enum converter, stay in <see cref="CardJson"/>).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AdaptiveCard))]
internal sealed partial class CardJsonContext : JsonSerializerContext;
