using System.Text;
using UpdateBot.Domain;
using UpdateBot.Localisation;
using UpdateBot.Teams.Cards;
using static UpdateBot.Cards.CardParts;

namespace UpdateBot.Cards;

/// <summary>
/// The weeknote as stakeholders read it in the channel. A digest larger than one message's budget
/// (<see cref="CardJson.MaxMessageUtf16Bytes"/>) continues in further cards, posted as replies in the same thread:
/// nothing is cut (docs/protocol.md, "Card size").
/// </summary>
public static class DigestCards
{
    /// <summary>
    /// The channel cards for a digest: the first carries the header, the rest say they continue it. With
    /// <paramref name="squadId"/> (what is posted), every item has <i>Ask about this</i> (README, "Questions from
    /// readers"); when an action per item would make the post need more cards than it does without, each section has
    /// one instead, choosing the item in its box.
    /// </summary>
    /// <param name="headings">The languages of the headings (the squad's setting); what members wrote is never translated.</param>
    public static IReadOnlyList<AdaptiveCard> ChannelCards(Digest digest, string? squadId = null, HeadingLanguages headings = HeadingLanguages.English)
    {
        var words = new HeadingWords(digest, headings);
        var titles = words.Each(words.Title);
        var header = new List<CardElement> { Title(titles[0]) };
        header.AddRange(titles.Skip(1).Select(title => new TextBlock(title) { Size = FontSize.Medium, Weight = FontWeight.Bolder, Spacing = Spacing.None }));
        header.AddRange(words.Each(t => $"{words.DateRange(t)} · {words.Participation(t)}").Select(Subtle));
        if (!string.IsNullOrWhiteSpace(digest.Intro))
        {
            header.Add(new TextBlock(digest.Intro) { Spacing = Spacing.Medium });
        }

        IReadOnlyList<AdaptiveCard> Cards(Ask ask) =>
            Pack(header, Blocks(digest, ask, squadId, words), continued => [Subtle(words.Join(t => t.Format("Digest.Continued", words.Title(t))))], (body, _) => Channel(titles[0], body));

        var plain = Cards(Ask.None);
        if (squadId is null || digest.VisibleSections.Count == 0)
        {
            return plain;
        }

        var perItem = Cards(Ask.PerItem);
        return perItem.Count <= plain.Count ? perItem : Cards(Ask.PerSection);
    }

    private enum Ask
    {
        None,
        PerItem,
        PerSection,
    }

    private static List<CardElement> Blocks(Digest digest, Ask ask, string? squadId, HeadingWords words)
    {
        var blocks = new List<CardElement>();
        var index = 0;
        foreach (var section in digest.VisibleSections)
        {
            blocks.Add(Heading(words.Join(t => words.SectionTitle(section, t))));
            foreach (var item in section.Items)
            {
                // An item travels with its own Ask action when the post is cut into parts.
                blocks.Add(ask == Ask.PerItem
                    ? new Container([ItemBlock(item, words.Join), QuestionCards.AskAboutItem(squadId!, digest.Week, item, index++, words.Join)]) { Spacing = Spacing.Small }
                    : ItemBlock(item, words.Join));
            }

            if (ask == Ask.PerSection)
            {
                blocks.Add(QuestionCards.AskAboutSection(squadId!, digest.Week, section, index++, words.Join));
            }
        }

        if (blocks.Count == 0)
        {
            blocks.Add(Paragraph(words.Join(t => t["Digest.Quiet"])));
        }

        return blocks;
    }

    /// <summary>One contribution: the member's text, attributed (and how long its blockers have been open, when repeated).</summary>
    /// <param name="say">Says a string in the post's heading language(s) (<see cref="HeadingWords.Join"/>).</param>
    public static CardElement ItemBlock(DigestItem item, Func<Func<Texts, string>, string> say)
    {
        var text = new TextBlock(AttributedText(item)) { Spacing = Spacing.Small };
        return AgeLine(item, say) is { } age
            ? new Container([text, new TextBlock(age) { IsSubtle = true, Spacing = Spacing.None }]) { Spacing = Spacing.Small }
            : text;
    }

    /// <summary>
    /// "⏳ open 3 weeks" under a blocker its author has repeated (or a lead resolved); with several blockers in one
    /// item, each is named: "⏳ IG sign-off: open 3 weeks · A designer: resolved after 2 weeks". Null when none is.
    /// </summary>
    public static string? AgeLine(DigestItem item, Func<Func<Texts, string>, string> say)
    {
        var shown = item.Blockers.Where(b => b.IsWorthShowing).ToList();
        if (shown.Count == 0)
        {
            return null;
        }

        return "⏳ " + (item.Blockers.Count == 1 ? say(t => AgeText(shown[0], t)) : string.Join(" · ", shown.Select(b => $"{Short(b.Text)}: {say(t => AgeText(b, t))}")));
    }

    /// <summary>"open 3 weeks", "resolved after 3 weeks", "new this week", in <paramref name="t"/>'s language.</summary>
    public static string AgeText(TrackedBlocker blocker, Texts t) => blocker.Resolved
        ? (blocker.WeeksOpen <= 1 ? t["Age.Resolved"] : t.Format("Age.ResolvedAfter", blocker.WeeksOpen))
        : blocker.WeeksOpen <= 1 ? t["Age.New"] : t.Format("Age.Open", blocker.WeeksOpen);

    /// <summary>The start of a member's blocker line, made safe to show (<see cref="MemberMarkdown.Neutralise"/>).</summary>
    public static string Short(string text)
    {
        const int length = 40;
        var neutral = MemberMarkdown.Neutralise(text).Replace('\n', ' ');
        return neutral.Length <= length ? neutral : neutral[..length].TrimEnd() + "…";
    }

    /// <summary>
    /// "text — **Name**" for a one-line answer; a multi-line answer (often a list) starts with the name on its own
    /// line, so the name does not end up glued to the last bullet. The name is the only bold: the member's text goes
    /// through <see cref="MemberMarkdown.Neutralise"/>, so it cannot pass itself off as someone else's.
    /// </summary>
    public static string AttributedText(DigestItem item)
    {
        // Non-breaking spaces keep "— Tom Okafor" together when the line wraps.
        var name = PlainName(item.AuthorName).Replace(' ', '\u00A0');
        var text = MemberMarkdown.Neutralise(item.Text);
        return text.Contains('\n', StringComparison.Ordinal)
            ? $"**{name}:**\n{text}"
            : $"{text}\u00A0— **{name}**";
    }

    /// <summary>
    /// Greedy packing of blocks into cards, each measured as the activity Teams will store (UTF-16).
    /// <paramref name="continuation"/> heads every card after the first; <paramref name="build"/> gets the body and
    /// the index of the card's first block.
    /// </summary>
    public static IReadOnlyList<AdaptiveCard> Pack(
        IReadOnlyList<CardElement> header,
        IReadOnlyList<CardElement> blocks,
        Func<int, IReadOnlyList<CardElement>> continuation,
        Func<IReadOnlyList<CardElement>, int, AdaptiveCard> build,
        int budget = CardJson.MaxMessageUtf16Bytes)
    {
        var cards = new List<AdaptiveCard>();
        var current = new List<CardElement>(header);
        var first = 0;
        for (var i = 0; i < blocks.Count; i++)
        {
            current.Add(blocks[i]);
            if (i > first && CardJson.MeasureUtf16Bytes(build(current, first)) > budget)
            {
                current.RemoveAt(current.Count - 1);
                cards.Add(build(current, first));
                current = [.. continuation(cards.Count), blocks[i]];
                first = i;
            }
        }

        cards.Add(build(current, first));
        return cards;
    }

    /// <summary>
    /// What a continuation reply shows once a correction made the weeknote fit in fewer parts: part of the channel post,
    /// so in the squad's heading language(s), like the rest of it.
    /// </summary>
    public static AdaptiveCard MergedIntoPost(Digest digest, HeadingLanguages headings = HeadingLanguages.English)
    {
        var words = new HeadingWords(digest, headings);
        return new AdaptiveCard
        {
            FallbackText = words.Each(words.Title)[0],
            Body = [Subtle(words.Join(t => t.Format("Digest.MergedIntoPost", words.Title(t))))],
        };
    }

    public static string NotificationSummary(Digest digest, HeadingLanguages headings = HeadingLanguages.English) =>
        Texts.For(Languages.Of(headings)[0]).Count("Digest.Notify", digest.VisibleSections.Sum(s => s.Items.Count), digest.Edition);

    /// <summary>
    /// The channel post's own words in each of the squad's heading languages, Welsh first when both. English is the
    /// digest's as composed (exactly what the post always said); a section keeps the title its lead gave it, and only a
    /// default section still under its default English title is named in the other language too.
    /// </summary>
    private sealed class HeadingWords(Digest digest, HeadingLanguages headings)
    {
        private readonly IReadOnlyList<Texts> texts = Languages.Of(headings).Select(Texts.For).ToList();

        /// <summary>One line per language (the same line once when the languages agree).</summary>
        public List<string> Each(Func<Texts, string> say) => texts.Select(say).Distinct(StringComparer.Ordinal).ToList();

        /// <summary>Both languages on one line, "Cymraeg / English".</summary>
        public string Join(Func<Texts, string> say) => string.Join(" / ", Each(say));

        public string Title(Texts t) => TitleIn(digest, t);

        public string DateRange(Texts t) => DateRangeIn(digest, t);

        public string Participation(Texts t) => ParticipationIn(digest, t);

        public string SectionTitle(DigestSection section, Texts t) => SectionTitleIn(section, t);
    }

    /// <summary>The weeknote's title in a language (English: as composed, "Platform weeknotes — Update 3").</summary>
    public static string TitleIn(Digest digest, Texts t) => t.Language == Language.English ? digest.Title : t.Format("Digest.Title", digest.SquadName, digest.Edition);

    /// <summary>The week's dates in a language ("23–27 Nov 2026", "23–27 Tach 2026").</summary>
    public static string DateRangeIn(Digest digest, Texts t) => t.Language == Language.English ? digest.DateRange : DigestComposer.FormatDateRange(digest.Week, t["Date.MonthsShort"].Split(','));

    /// <summary>"7 of 9 contributed; 1 quiet" in a language.</summary>
    public static string ParticipationIn(Digest digest, Texts t)
    {
        if (t.Language == Language.English)
        {
            return digest.ParticipationLine;
        }

        var p = digest.Participation;
        var line = new StringBuilder(t.Format("Digest.Participation", p.Contributed, p.Rostered));
        line.Append(p.Quiet > 0 ? t.Format("Digest.Participation.Quiet", p.Quiet) : "");
        line.Append(p.Away > 0 ? t.Format("Digest.Participation.Away", p.Away) : "");
        line.Append(p.Unreachable > 0 ? t.Format("Digest.Participation.Unreachable", p.Unreachable) : "");
        return line.ToString();
    }

    /// <summary>A section's heading in a language: a default section still under its default English title is translated; a lead's own title stays.</summary>
    public static string SectionTitleIn(DigestSection section, Texts t) =>
        t.Language != Language.English && SettingsValidation.DefaultSections.Any(d => d.Id == section.SectionId && d.Title == section.Title)
            ? t["Section." + section.SectionId]
            : section.Title;

    /// <summary>A short fingerprint of text a lead saw, so a change by another lead is noticed, not overwritten.</summary>
    public static string Fingerprint(string? text) => TextFingerprint.Of(text);

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
