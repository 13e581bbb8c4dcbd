using System.Text;
using System.Text.Json;

namespace UpdateBot.EndToEnd.Tests.Driver;

/// <summary>Reads the human text out of Adaptive Card JSON, to recognise cards by what they say.</summary>
public static class CardText
{
    /// <summary>The card's title: its first TextBlock's text (depth-first), else its <c>fallbackText</c>, else "".</summary>
    public static string Title(JsonElement card) =>
        TextBlocks(card).FirstOrDefault() ?? FallbackText(card) ?? string.Empty;

    /// <summary>True when the first TextBlock or the fallbackText contains <paramref name="title"/> (case-insensitive).</summary>
    public static bool HasTitle(JsonElement card, string title) =>
        (TextBlocks(card).FirstOrDefault()?.Contains(title, StringComparison.OrdinalIgnoreCase) ?? false)
        || (FallbackText(card)?.Contains(title, StringComparison.OrdinalIgnoreCase) ?? false);

    /// <summary>All visible text in the card (TextBlocks, RichTextBlock runs, FactSet facts, action titles, fallbackText) joined by newlines.</summary>
    public static string AllText(JsonElement card)
    {
        var text = new StringBuilder();
        Collect(card, text);
        return text.ToString();
    }

    public static string? FallbackText(JsonElement card) =>
        card.ValueKind == JsonValueKind.Object && card.TryGetProperty("fallbackText", out var f) && f.ValueKind == JsonValueKind.String
            ? f.GetString()
            : null;

    /// <summary>TextBlock texts in document order (body before actions).</summary>
    public static IEnumerable<string> TextBlocks(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                if (TypeOf(element) == "TextBlock" && element.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String)
                {
                    yield return text.GetString()!;
                }

                foreach (var property in element.EnumerateObject())
                {
                    if (property.Name is "fallbackText" or "data" or "msteams")
                    {
                        continue;
                    }

                    foreach (var nested in TextBlocks(property.Value))
                    {
                        yield return nested;
                    }
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    foreach (var nested in TextBlocks(item))
                    {
                        yield return nested;
                    }
                }

                break;
            default:
                break;
        }
    }

    private static string? TypeOf(JsonElement element) =>
        element.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String ? type.GetString() : null;

    private static void Collect(JsonElement element, StringBuilder text)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (property.Value.ValueKind == JsonValueKind.String
                        && property.Name is "text" or "title" or "value" or "fallbackText" or "placeholder" or "label")
                    {
                        text.Append(property.Value.GetString()).Append('\n');
                    }
                    else if (property.Name is not "data")
                    {
                        Collect(property.Value, text);
                    }
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    Collect(item, text);
                }

                break;
            default:
                break;
        }
    }
}
