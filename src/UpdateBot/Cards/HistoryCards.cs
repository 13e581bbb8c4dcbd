using UpdateBot.Storage;
using UpdateBot.Teams.Cards;
using static UpdateBot.Cards.CardParts;

namespace UpdateBot.Cards;

/// <summary>Recent editions with their dates, participation and a link to each post (issue 4 item 5).</summary>
public static class HistoryCards
{
    public const string HistoryTitle = "Recent weeknotes";

    public static AdaptiveCard History(string squadName, IReadOnlyList<EditionRow> editions, Func<EditionRow, string?> linkFor)
    {
        var body = new List<CardElement> { Title($"{squadName}: {HistoryTitle.ToLowerInvariant()}") };
        if (editions.Count == 0)
        {
            body.Add(Paragraph("Nothing published yet."));
        }

        foreach (var edition in editions)
        {
            var link = linkFor(edition);
            body.Add(new TextBlock(link is null ? $"**{edition.Title}**" : $"**[{edition.Title}]({link})**") { Spacing = Spacing.Medium });
            body.Add(Subtle($"{edition.Week} · {edition.DateRange} · {edition.Participation}"));
        }

        body.Add(Subtle("Say export 2026-W47 (any week) for an edition as Markdown."));
        return new AdaptiveCard { FallbackText = HistoryTitle, Body = body };
    }
}
