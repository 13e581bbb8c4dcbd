using System.Security.Cryptography;
using System.Text;
using UpdateBot.Domain;
using UpdateBot.Teams.Cards;
using static UpdateBot.Cards.CardParts;

namespace UpdateBot.Cards;

/// <summary>
/// The weeknote as stakeholders read it in the channel. A digest larger than one message's budget
/// (<see cref="CardJson.MaxMessageUtf16Bytes"/>) continues in further cards, posted as replies in the same thread:
/// nothing is cut (design.md "Cards that render").
/// </summary>
public static class DigestCards
{
    /// <summary>The channel cards for a digest: the first carries the header, the rest say they continue it.</summary>
    public static IReadOnlyList<AdaptiveCard> ChannelCards(Digest digest)
    {
        var header = new List<CardElement>
        {
            Title(digest.Title),
            Subtle($"{digest.DateRange} · {digest.ParticipationLine}"),
        };
        if (!string.IsNullOrWhiteSpace(digest.Intro))
        {
            header.Add(new TextBlock(digest.Intro) { Spacing = Spacing.Medium });
        }

        var blocks = new List<CardElement>();
        foreach (var section in digest.VisibleSections)
        {
            blocks.Add(Heading(section.Title));
            blocks.AddRange(section.Items.Select(ItemBlock));
        }

        if (blocks.Count == 0)
        {
            blocks.Add(Paragraph("A quiet week: nothing to report."));
        }

        return Pack(header, blocks, continued => [Subtle($"{digest.Title} (continued)")], body => Channel(digest.Title, body));
    }

    /// <summary>One contribution: the member's text, attributed.</summary>
    public static CardElement ItemBlock(DigestItem item) =>
        new TextBlock($"{item.Text} — **{PlainName(item.AuthorName)}**") { Spacing = Spacing.Small };

    /// <summary>
    /// Greedy packing of blocks into cards, each measured as the activity Teams will store (UTF-16).
    /// <paramref name="continuation"/> heads every card after the first.
    /// </summary>
    public static IReadOnlyList<AdaptiveCard> Pack(
        IReadOnlyList<CardElement> header,
        IReadOnlyList<CardElement> blocks,
        Func<int, IReadOnlyList<CardElement>> continuation,
        Func<IReadOnlyList<CardElement>, AdaptiveCard> build,
        int budget = CardJson.MaxMessageUtf16Bytes)
    {
        var cards = new List<AdaptiveCard>();
        var current = new List<CardElement>(header);
        var blocksInCurrent = 0;
        foreach (var block in blocks)
        {
            current.Add(block);
            if (blocksInCurrent > 0 && CardJson.MeasureUtf16Bytes(build(current)) > budget)
            {
                current.RemoveAt(current.Count - 1);
                cards.Add(build(current));
                current = [.. continuation(cards.Count), block];
                blocksInCurrent = 0;
            }

            blocksInCurrent++;
        }

        cards.Add(build(current));
        return cards;
    }

    public static string NotificationSummary(Digest digest) =>
        $"Update {digest.Edition} — {digest.VisibleSections.Sum(s => s.Items.Count)} contributions";

    /// <summary>A short fingerprint of text a lead saw, so a change by another lead is noticed, not overwritten.</summary>
    public static string Fingerprint(string? text) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text ?? "")))[..12];

    /// <summary>
    /// A display name with the characters that Teams' markdown subset would act on removed: Teams renders
    /// backslash escapes literally, so removing is the only way a name cannot become formatting or a link.
    /// </summary>
    internal static string PlainName(string name)
    {
        var builder = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            if (c is not ('*' or '_' or '[' or ']' or '`' or '#' or '<' or '>' or '~'))
            {
                builder.Append(c);
            }
        }

        return builder.ToString().Trim();
    }

    private static AdaptiveCard Channel(string title, IReadOnlyList<CardElement> body) => new()
    {
        FallbackText = title,
        Body = body,
        MsTeams = new TeamsCardProperties { Width = "Full" },
    };
}
