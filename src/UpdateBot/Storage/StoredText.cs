using System.Reflection;
using System.Text.Encodings.Web;
using System.Text.Json;
using Azure.Data.Tables;

namespace UpdateBot.Storage;

/// <summary>
/// The one owner of what text may be written to a table: Azure Table Storage holds at most 64 KiB, that is
/// 32,768 UTF-16 characters, in a string property ("Property types",
/// https://learn.microsoft.com/rest/api/storageservices/understanding-the-table-service-data-model#property-types).
/// Stores check a row here before writing it and turn a refusal into a clear message, so an over-long value never
/// reaches the service (which would answer with an exception).
/// </summary>
public static class StoredText
{
    public const int MaxPropertyChars = 32 * 1024;

    /// <summary>
    /// How JSON held in a string property is written. Not the default encoder: that escapes every non-ASCII character
    /// as six (\uXXXX), so 2,000 characters of Welsh, Polish, Greek or Arabic would take up to 12,000. The relaxed
    /// encoder still escapes quotes, backslashes and control characters (the JSON stays valid); it does not escape
    /// HTML-sensitive characters, which is safe here because this JSON is only ever read back by this serializer,
    /// never embedded in HTML or script. Characters outside the Basic Multilingual Plane (emoji) are still escaped.
    /// </summary>
    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Null when every string property of <paramref name="row"/> fits; else the first that does not, and its length.</summary>
    public static (string Property, int Length)? FindTooLong(ITableEntity row)
    {
        foreach (var property in row.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.PropertyType == typeof(string) && property.GetIndexParameters().Length == 0 && property.GetValue(row) is string { Length: > MaxPropertyChars } value)
            {
                return (property.Name, value.Length);
            }
        }

        return null;
    }

    /// <summary>
    /// Cuts <paramref name="text"/> into parts of at most <paramref name="partLength"/> characters, never between the
    /// halves of a surrogate pair, so that each part fits one property and joining them gives the text back.
    /// </summary>
    public static IReadOnlyList<string> Split(string text, int partLength)
    {
        var parts = new List<string>();
        var at = 0;
        while (at < text.Length)
        {
            var length = Math.Min(partLength, text.Length - at);
            if (at + length < text.Length && char.IsHighSurrogate(text[at + length - 1]))
            {
                length--;
            }

            parts.Add(text.Substring(at, length));
            at += length;
        }

        return parts.Count == 0 ? [string.Empty] : parts;
    }
}
