using UpdateBot.Domain;
using UpdateBot.Localisation;
using UpdateBot.Teams.Cards;
using static UpdateBot.Cards.CardParts;

namespace UpdateBot.Cards;

/// <summary>
/// The lead's review desk (issue 4 item 2): a header card (intro, section order, publish) and item cards per section
/// (hide/restore, edit), each kept under the message budget. Every card refreshes itself for the lead, so two leads
/// both see the latest draft.
/// </summary>
public static class ReviewCards
{
    public const string IntroInput = "intro";
    public const string HeaderTitlePrefix = "Draft for review";

    /// <param name="settings">The squad's settings: when it publishes openly, the header says how much will be public.</param>
    /// <param name="texts">The lead's language (their review desk may be sent by the scheduler: it is passed in).</param>
    public static AdaptiveCard Header(Digest digest, string squadId, string leadId, string publishLine, bool published, SquadSettings? settings = null, Texts? texts = null)
    {
        var t = texts ?? Texts.English;
        var data = new ReviewData(squadId, digest.Week);
        var body = new List<CardElement>
        {
            Title(t.Format("Review.Title", DigestCards.TitleIn(digest, t))),
            Subtle($"{DigestCards.DateRangeIn(digest, t)} · {DigestCards.ParticipationIn(digest, t)}"),
            Paragraph(publishLine),
        };
        body.AddRange(OpenLine(digest, settings, t));
        body.AddRange(
        [
            new TextInput
            {
                Id = IntroInput,
                Label = t["Review.IntroLabel"],
                IsMultiline = true,
                Value = digest.Intro,
                MaxLength = AnswerText.MaxSectionLength,
                Placeholder = t["Review.IntroPlaceholder"],
            },
            Actions(Action(t["Review.SaveIntro"], Verbs.DigestIntro, new ReviewIntroData(squadId, digest.Week, DigestCards.Fingerprint(digest.Intro)))),
            Heading(t["Review.SectionOrder"]),
        ]);
        var sections = digest.Sections;
        for (var i = 0; i < sections.Count; i++)
        {
            var section = sections[i];
            var moves = new List<CardAction>();
            if (i > 0)
            {
                moves.Add(Action("↑", Verbs.DigestMoveUp, new ReviewSectionData(squadId, digest.Week, section.SectionId)));
            }

            if (i < sections.Count - 1)
            {
                moves.Add(Action("↓", Verbs.DigestMoveDown, new ReviewSectionData(squadId, digest.Week, section.SectionId)));
            }

            body.Add(new ColumnSet(
            [
                new Column([new TextBlock($"{section.Title} · {Count(section.Items.Count(it => !it.Hidden), t)}")]) { Width = "stretch", VerticalContentAlignment = VerticalContentAlignment.Center },
                new Column([new ActionSet(moves)]) { Width = "auto" },
            ]));
        }

        if (sections.Count == 0)
        {
            body.Add(Paragraph(t["Review.NoContributions"]));
        }

        body.Add(published
            ? Subtle(t["Review.Published"])
            : Actions(Action(t["Review.PublishNow"], Verbs.DigestPublish, data)));
        return new AdaptiveCard
        {
            FallbackText = t["Review.Fallback"],
            Refresh = RefreshFor(new ReviewRefreshData(squadId, digest.Week), leadId),
            Body = body,
        };
    }

    /// <summary>"Open weeknote: 3 of 5 items will be public at /weeknotes/slug/ …" (nothing when the squad does not publish openly).</summary>
    private static IEnumerable<CardElement> OpenLine(Digest digest, SquadSettings? settings, Texts t)
    {
        if (settings is not { PublishOpenly: true })
        {
            yield break;
        }

        var shown = digest.Sections.SelectMany(s => s.Items.Where(i => !i.Hidden).Select(i => OpenConsent.AudienceOf(settings, s.SectionId, i))).ToList();
        var published = shown.Count(a => a == OpenAudience.Public);
        yield return Subtle(t.Format(shown.Count == 1 ? "Review.OpenLine.One" : "Review.OpenLine", published, shown.Count, settings.EffectiveOpenSlug));
    }

    // Not "1. Title": the renderer would take that for a Markdown numbered list.
    private static string Count(int visible, Texts t) => visible == 1 ? t["Review.OneItem"] : t.Format("Review.Items", visible);

    /// <summary>The item cards of every section, packed under the message budget.</summary>
    public static IReadOnlyList<AdaptiveCard> ItemCards(Digest digest, string squadId, string leadId, SquadSettings? settings = null, Texts? texts = null)
    {
        var cards = new List<AdaptiveCard>();
        foreach (var section in digest.Sections)
        {
            cards.AddRange(SectionCards(digest, section, squadId, leadId, settings, out _, texts ?? Texts.English));
        }

        return cards;
    }

    /// <summary>The item card that shows the given item (to answer an action on it, or a refresh of that card).</summary>
    public static AdaptiveCard? CardForItem(Digest digest, string squadId, string leadId, string itemId, SquadSettings? settings = null, Texts? texts = null)
    {
        foreach (var section in digest.Sections)
        {
            var index = section.Items.ToList().FindIndex(i => i.ItemId == itemId);
            if (index >= 0)
            {
                var cards = SectionCards(digest, section, squadId, leadId, settings, out var firstItems, texts ?? Texts.English);
                var card = firstItems.Count(first => first <= index) - 1;
                return cards[Math.Max(card, 0)];
            }
        }

        return null;
    }

    private static IReadOnlyList<AdaptiveCard> SectionCards(Digest digest, DigestSection section, string squadId, string leadId, SquadSettings? settings, out List<int> firstItems, Texts t)
    {
        var blocks = section.Items.Select((item, index) => (CardElement)ItemBlock(squadId, digest.Week, item, index, settings is { PublishOpenly: true } ? OpenConsent.AudienceOf(settings, section.SectionId, item) : null, settings?.Glossary, t)).ToList();
        var starts = new List<int>();
        var cards = DigestCards.Pack(
            [Heading(section.Title)],
            blocks,
            _ => [Heading(t.Format("Digest.Continued", section.Title))],
            (body, first) =>
            {
                // The refresh carries the card's first item, so Teams gets back this same card.
                var refreshData = new ReviewRefreshData(squadId, digest.Week, section.Items.Count > first ? section.Items[first].ItemId : null);
                return new AdaptiveCard { FallbackText = section.Title, Refresh = RefreshFor(refreshData, leadId), Body = body };
            });
        var first = 0;
        foreach (var card in cards)
        {
            starts.Add(first);
            first += card.Body.OfType<Container>().Count();
        }

        firstItems = starts;
        return cards;
    }

    /// <summary>
    /// A lead's edit refused because the item changed since their card was built: what the draft says now and what
    /// they typed, side by side, above the latest item card (so they can edit again from the current text).
    /// </summary>
    public static AdaptiveCard ChangedSinceCard(AdaptiveCard? latest, string now, string yours, Texts? texts = null)
    {
        var t = texts ?? Texts.English;
        var body = new List<CardElement>
        {
            Error(t["Review.ChangedSince"]),
            Heading(t["Review.NowInDraft"]),
            new Container([Paragraph(now)]) { Style = ContainerStyle.Emphasis },
            Heading(t["Review.YourText"]),
            new Container([Paragraph(yours)]) { Style = ContainerStyle.Emphasis },
        };
        body.AddRange(latest?.Body ?? []);

        // No refresh: it would replace this explanation before the lead has read it; their next action brings the usual card back.
        return new AdaptiveCard { FallbackText = t["Review.NotSavedFallback"], Body = body };
    }

    /// <param name="audience">Who may read the item when the squad publishes openly (null: it does not).</param>
    /// <param name="glossary">The squad's glossary, for the plain-English check.</param>
    private static Container ItemBlock(string squadId, IsoWeek week, DigestItem item, int index, OpenAudience? audience, IReadOnlyDictionary<string, string>? glossary, Texts t)
    {
        var itemData = new ReviewItemData(squadId, week, item.ItemId);
        var inputId = $"text{index}";
        var text = new TextBlock(item.Hidden ? t["Review.HiddenPrefix"] + DigestCards.AttributedText(item) : DigestCards.AttributedText(item))
        {
            IsSubtle = item.Hidden ? true : null,
        };
        var toggle = item.Hidden
            ? Action(t["Review.Restore"], Verbs.DigestRestore, itemData)
            : Action(t["Review.Hide"], Verbs.DigestHide, itemData);
        var edit = new ShowCardAction(new AdaptiveCard
        {
            Body =
            [
                new TextInput { Id = inputId, IsMultiline = true, Value = item.Text, Label = t["Review.EditLabel"] },
                Actions(Action(t["Prompt.Save"], Verbs.DigestEdit, new ReviewEditData(squadId, week, item.ItemId, DigestCards.Fingerprint(item.Text), inputId))),
            ],
        }) { Title = t["Summary.Edit"] };
        List<CardElement> parts = [text];
        if (item.ChangedByAuthor)
        {
            // The member's latest words win over a lead's edit; the lead sees that it happened.
            parts.Add(Subtle(t.Format("Review.ChangedByAuthor", item.AuthorName)));
        }

        parts.AddRange(BlockerRows(squadId, week, item, t));
        if (!item.Hidden && PlainEnglishLine(item.Text, glossary, t) is { } advice)
        {
            parts.Add(advice);
        }

        List<CardAction> actions = [toggle, edit];
        if (audience is { } open)
        {
            parts.Add(Subtle(AudienceText(open, t)));

            // Only what could be public can be withheld or released: nothing its author kept for the team, nor a team-only section.
            if (open is OpenAudience.Public)
            {
                actions.Add(Action(t["Review.Withhold"], Verbs.DigestWithhold, itemData));
            }
            else if (open is OpenAudience.Withheld)
            {
                actions.Add(Action(t["Review.Release"], Verbs.DigestRelease, itemData));
            }
        }

        parts.Add(new ActionSet(actions));
        return new Container(parts) { Separator = true, Spacing = Spacing.Medium };
    }

    /// <summary>How many plain-English findings an item shows before "and N more" (the card stays short).</summary>
    public const int MaxPlainEnglishShown = 3;

    /// <summary>Prefix of the advice line under an item in English (README, "Plain-English check"; <c>Advice.Line</c>).</summary>
    public const string PlainEnglishPrefix = "Plain English: ";

    /// <summary>
    /// Each blocker of the item with its age and a button to mark it resolved (or reopen it): a lead who knows it is
    /// dealt with says so, and the next time its author repeats it, it counts as new.
    /// </summary>
    private static IEnumerable<CardElement> BlockerRows(string squadId, IsoWeek week, DigestItem item, Texts t)
    {
        foreach (var blocker in item.Blockers)
        {
            var data = new ReviewBlockerData(squadId, week, item.ItemId, blocker.Key);
            var age = blocker.WeeksOpen <= 1 && !blocker.Resolved ? DigestCards.AgeText(blocker, t) : t.Format("Age.Since", DigestCards.AgeText(blocker, t), blocker.FirstSeen);
            var label = item.Blockers.Count == 1 ? t.Format("Age.Blocker", age) : $"⏳ {DigestCards.Short(blocker.Text)}: {age}";
            yield return new ColumnSet(
            [
                new Column([Subtle(label)]) { Width = "stretch", VerticalContentAlignment = VerticalContentAlignment.Center },
                new Column([new ActionSet([blocker.Resolved ? Action(t["Review.Reopen"], Verbs.DigestReopen, data) : Action(t["Review.MarkResolved"], Verbs.DigestResolve, data)])]) { Width = "auto" },
            ]);
        }
    }

    /// <summary>
    /// The plain-English advice for an item (<see cref="PlainEnglish.Check"/>) in the lead's language, or null when
    /// there is none. Advice only: publishing never waits for it. The rules judge the English text as written.
    /// </summary>
    public static TextBlock? PlainEnglishLine(string text, IReadOnlyDictionary<string, string>? glossary, Texts t)
    {
        var findings = PlainEnglish.Check(text, glossary);
        if (findings.Count == 0)
        {
            return null;
        }

        // The advice quotes the member's words, so it goes through the same rule as the words themselves.
        var shown = string.Join("; ", findings.Take(MaxPlainEnglishShown).Select(f => MemberMarkdown.Neutralise(t.Advice(f))));
        if (findings.Count > MaxPlainEnglishShown)
        {
            shown = t.Format("Advice.More", shown, findings.Count - MaxPlainEnglishShown);
        }

        return new TextBlock("✎ " + t.Format("Advice.Line", shown)) { IsSubtle = true, Spacing = Spacing.Small, Color = TextColor.Warning };
    }

    /// <summary>What the review desk says about an item's place in the open weeknote.</summary>
    public static string AudienceText(OpenAudience audience, Texts? texts = null) => (texts ?? Texts.English)[audience switch
    {
        OpenAudience.Public => "Review.Audience.Public",
        OpenAudience.AuthorKeptTeamOnly => "Review.Audience.AuthorKeptTeamOnly",
        OpenAudience.SectionTeamOnly => "Review.Audience.SectionTeamOnly",
        OpenAudience.Withheld => "Review.Audience.Withheld",
        OpenAudience.Hidden => "Review.Audience.Hidden",
        _ => "Review.Audience.TeamOnly",
    }];

    private static Refresh RefreshFor(ReviewRefreshData data, string leadId) => new()
    {
        Action = new ExecuteAction(Verbs.DigestRefresh) { Data = CardDataJson.ToElement(data) },
        UserIds = [leadId],
    };
}
