using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace UpdateBot.Teams.Schema;

/// <summary>
/// The one set of JSON options for the wire: camelCase, case-insensitive reads, nulls never written
/// (docs/protocol.md, "Outbound activities": do not send empty values), numbers and unknown fields tolerated.
/// </summary>
public static class ProtocolJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            PropertyNameCaseInsensitive = true,
            ReadCommentHandling = JsonCommentHandling.Skip,
            AllowTrailingCommas = true,
            // Non-ASCII text (names such as Siân, emoji) is written as itself, not as \uXXXX escapes: smaller on the
            // wire and measured as Teams stores it (docs/protocol.md, "Card size"). Quotes, backslashes and controls are still escaped.
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            // Source-generated metadata for the wire types (no reflection per type), reflection for anything else.
            TypeInfoResolver = JsonTypeInfoResolver.Combine(ProtocolJsonContext.Default, new DefaultJsonTypeInfoResolver()),
        };
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
