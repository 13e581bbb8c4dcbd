using UpdateBot.Domain;
using UpdateBot.Localisation;
using UpdateBot.Storage;
using UpdateBot.Teams.Cards;
using static UpdateBot.Cards.CardParts;

namespace UpdateBot.Cards;

/// <summary>
/// Questions from readers (README, "Questions from readers"): the <i>Ask about this</i> action on the channel post,
/// the question as its author gets it 1:1, and the answer as a reply in the weeknote's thread. Every piece of member
/// text goes through <see cref="MemberMarkdown.Neutralise"/> and every name through <see cref="DigestCards.PlainName"/>.
/// </summary>
public static class QuestionCards
{
    /// <summary>The longest question or answer (a card input's limit; longer text is refused with a clear message).</summary>
    public const int MaxLength = 2_000;

    /// <summary>How much of an item the author and the thread are shown.</summary>
    private const int QuoteLength = 300;

    /// <summary><i>Ask about this</i> on one item: a question box that only the reader sees until they send it.</summary>
    /// <param name="say">Puts a string in the channel post's heading languages (<c>DigestCards</c>); English when not given.</param>
    public static ActionSet AskAboutItem(string squadId, IsoWeek week, DigestItem item, int index, Func<Func<Texts, string>, string>? say = null)
    {
        say ??= English;
        var inputId = $"q{index}";
        return new ActionSet(
        [
            new ShowCardAction(new AdaptiveCard
            {
                Body =
                [
                    new TextInput
                    {
                        Id = inputId,
                        IsMultiline = true,
                        MaxLength = MaxLength,
                        Label = say(t => t.Format("Ask.ForAuthor", DigestCards.PlainName(item.AuthorName))),
                    },
                    Actions(Action(say(t => t["Ask.Send"]), Verbs.DigestAsk, new AskData(squadId, week, inputId, ItemId: item.ItemId))),
                ],
            }) { Title = say(t => t["Ask.Title"]) },
        ]) { Spacing = Spacing.None };
    }

    /// <summary>
    /// One <i>Ask about this</i> for a whole section, choosing the item in the box: used when an action per item would
    /// make the post need more cards than it does without (docs/protocol.md, "Card size").
    /// </summary>
    public static ActionSet AskAboutSection(string squadId, IsoWeek week, DigestSection section, int index, Func<Func<Texts, string>, string>? say = null)
    {
        say ??= English;
        var inputId = $"q{index}";
        var itemInputId = $"i{index}";
        return new ActionSet(
        [
            new ShowCardAction(new AdaptiveCard
            {
                Body =
                [
                    new ChoiceSetInput(section.Items.Select(i => new Choice(DigestCards.PlainName(i.AuthorName), i.ItemId)).ToList())
                    {
                        Id = itemInputId,
                        Label = say(t => t["Ask.WhoseItem"]),
                        Value = section.Items[0].ItemId,
                        Style = ChoiceInputStyle.Compact,
                    },
                    new TextInput
                    {
                        Id = inputId,
                        IsMultiline = true,
                        MaxLength = MaxLength,
                        Label = say(t => t["Ask.ForSection"]),
                    },
                    Actions(Action(say(t => t["Ask.Send"]), Verbs.DigestAsk, new AskData(squadId, week, inputId, ItemInputId: itemInputId))),
                ],
            }) { Title = say(t => t["Ask.Title"]) },
        ]) { Spacing = Spacing.Small };
    }

    private static string English(Func<Texts, string> say) => say(Texts.English);

    /// <summary>The question, 1:1 to the item's author, with the item quoted and a box for the answer.</summary>
    /// <param name="texts">The author's language (the question and the item stay as written).</param>
    public static AdaptiveCard ToAuthor(string squadId, IsoWeek askedWeek, QuestionRow question, Texts? texts = null)
    {
        var t = texts ?? Texts.English;
        return new AdaptiveCard
        {
            FallbackText = t.Format("Question.Notify", question.AskerName),
            Body =
            [
                Title(t["Question.Title"]),
                Subtle(t.Format("Question.AskedAbout", DigestCards.PlainName(question.AskerName), question.Week)),
                new TextBlock(Quote(question.ItemText)) { IsSubtle = true },
                new TextBlock(MemberMarkdown.Neutralise(question.Question)) { Spacing = Spacing.Medium },
                Subtle(t["Question.NobodyElse"]),
                new TextInput { Id = QuestionAnswerData.AnswerInput, IsMultiline = true, MaxLength = MaxLength, Label = t["Question.YourAnswer"] },
                Actions(Action(t["Question.Post"], Verbs.QuestionAnswer, new QuestionAnswerData(squadId, askedWeek, question.Id))),
            ],
        };
    }

    /// <summary>
    /// The author's card once answered, with <paramref name="note"/> saying where the answer went; with
    /// <paramref name="postAgain"/> (Teams was busy) a button that posts the saved answer.
    /// </summary>
    public static AdaptiveCard Answered(string squadId, IsoWeek askedWeek, QuestionRow question, string note, bool postAgain = false, Texts? texts = null)
    {
        var t = texts ?? Texts.English;
        return new AdaptiveCard
        {
            FallbackText = t["Question.YourAnswer"],
            Body =
            [
                Title(t["Question.Title"]),
                Subtle(t.Format("Question.AskedAbout", DigestCards.PlainName(question.AskerName), question.Week)),
                new TextBlock(Quote(question.ItemText)) { IsSubtle = true },
                new TextBlock(MemberMarkdown.Neutralise(question.Question)) { Spacing = Spacing.Medium },
                Heading(t["Question.YourAnswer"]),
                new TextBlock(MemberMarkdown.Neutralise(question.Answer ?? "")),
                Subtle(note),
                .. postAgain ? new CardElement[] { Actions(Action(t["Question.PostAgain"], Verbs.QuestionAnswer, new QuestionAnswerData(squadId, askedWeek, question.Id))) } : [],
            ],
        };
    }

    /// <summary>
    /// The reply in the weeknote's thread: who asked whom, the question and the answer, quoting <paramref name="itemText"/>
    /// (the item as the channel post shows it now). Null when the post no longer shows the item (a lead hid it, its
    /// author took it out): then nothing of it is quoted, so the thread never shows what the post no longer does.
    /// </summary>
    /// <param name="headings">The squad's heading languages, as the channel post's (Welsh first when both); the question and answer stay as written.</param>
    public static AdaptiveCard InThread(QuestionRow question, string? itemText, HeadingLanguages headings = HeadingLanguages.English)
    {
        var languages = Languages.Of(headings).Select(Texts.For).ToList();
        string Say(Func<Texts, string> say) => string.Join(" / ", languages.Select(say).Distinct(StringComparer.Ordinal));
        var (asker, author) = (DigestCards.PlainName(question.AskerName), DigestCards.PlainName(question.AuthorName));
        return new AdaptiveCard
        {
            FallbackText = Say(t => t.Format("Question.Thread.Fallback", question.AskerName, question.AuthorName)),
            Body =
            [
                new TextBlock(Say(t => t.Format(itemText is null ? "Question.Thread.Asked" : "Question.Thread.AskedAbout", asker, author))) { Wrap = true },
                .. itemText is null ? Array.Empty<CardElement>() : [new TextBlock(Quote(itemText)) { IsSubtle = true }],
                new TextBlock(MemberMarkdown.Neutralise(question.Question)) { Spacing = Spacing.Small },
                new TextBlock(Say(t => t.Format("Question.Thread.Answered", author))) { Spacing = Spacing.Medium },
                new TextBlock(MemberMarkdown.Neutralise(question.Answer ?? "")),
            ],
            MsTeams = new TeamsCardProperties { Width = "Full" },
        };
    }

    /// <summary>An item's text, cut to a readable length, as one quoted line (never Markdown of its own).</summary>
    private static string Quote(string text) => "“" + Excerpt(text, QuoteLength) + "”";

    private static string Excerpt(string text, int length)
    {
        var flat = MemberMarkdown.Neutralise(string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)));
        return flat.Length <= length ? flat : flat[..length].TrimEnd() + "…";
    }
}
