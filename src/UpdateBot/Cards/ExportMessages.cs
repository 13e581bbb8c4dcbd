using System.Text;
using UpdateBot.Teams.Cards;
using UpdateBot.Teams.Schema;

namespace UpdateBot.Cards;

/// <summary>
/// A Markdown export as plain-text messages, each within one message's budget (docs/protocol.md, "Card size"). A long
/// weeknote is cut between lines, so the parts pasted one after another are exactly the export.
/// </summary>
public static class ExportMessages
{
    public static IReadOnlyList<Activity> Split(string markdown, int budget = CardJson.MaxMessageUtf16Bytes)
    {
        var parts = new List<Activity>();
        var current = new StringBuilder();
        foreach (var line in Lines(markdown))
        {
            if (current.Length > 0 && Measure(current.ToString() + line) > budget)
            {
                parts.Add(Plain(current.ToString()));
                current.Clear();
            }

            current.Append(line);
        }

        if (current.Length > 0 || parts.Count == 0)
        {
            parts.Add(Plain(current.ToString()));
        }

        return parts;
    }

    private static Activity Plain(string text) => new() { Type = ActivityTypes.Message, Text = text, TextFormat = "plain" };

    private static int Measure(string text) => CardJson.MeasureUtf16Bytes(Plain(text));

    /// <summary>Lines with their "\n"; a line too long for a message on its own (never produced by the 2,000-character answer limit) is cut.</summary>
    private static IEnumerable<string> Lines(string text)
    {
        const int longest = 4_000;
        var start = 0;
        while (start < text.Length)
        {
            var end = text.IndexOf('\n', start);
            end = end < 0 ? text.Length : end + 1;
            while (end - start > longest)
            {
                var cut = start + longest - (char.IsHighSurrogate(text[start + longest - 1]) ? 1 : 0);
                yield return text[start..cut];
                start = cut;
            }

            yield return text[start..end];
            start = end;
        }
    }
}
