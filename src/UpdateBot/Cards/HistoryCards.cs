using UpdateBot.Localisation;
using UpdateBot.Storage;
using UpdateBot.Teams.Cards;
using UpdateBot.Turns;
using static UpdateBot.Cards.CardParts;

namespace UpdateBot.Cards;

/// <summary>Recent editions with their dates, participation and a link to each post (issue 4 item 5).</summary>
public static class HistoryCards
{
    public const string HistoryTitle = "Recent weeknotes";

    /// <summary>The frame is in the reader's language; each edition's title, dates and participation line as stored when it was published.</summary>
    public static AdaptiveCard History(string squadName, IReadOnlyList<EditionRow> editions, Func<EditionRow, string?> linkFor, Texts? texts = null)
    {
        var t = texts ?? Texts.English;
        var body = new List<CardElement> { Title(t.Format("History.Heading", squadName)) };
        if (editions.Count == 0)
        {
            body.Add(Paragraph(t["History.Nothing"]));
        }

        foreach (var edition in editions)
        {
            var link = linkFor(edition);
            body.Add(new TextBlock(link is null ? $"**{edition.Title}**" : $"**[{edition.Title}]({link})**") { Spacing = Spacing.Medium });
            body.Add(Subtle($"{edition.Week} · {edition.DateRange} · {edition.Participation}"));
        }

        body.Add(Subtle(t.Format("History.Footer", Commands.Word(CommandKind.Export, t.Language))));
        return new AdaptiveCard { FallbackText = t["History.Title"], Body = body };
    }
}
