using UpdateBot.Domain;
using UpdateBot.Localisation;
using UpdateBot.Storage;
using UpdateBot.Teams.Cards;
using static UpdateBot.Cards.CardParts;

namespace UpdateBot.Cards;

/// <summary>A member's open weeknote choices as stored: this week's team-only flag, and their public name (null: not chosen).</summary>
public sealed record OpenChoices(bool TeamOnly, PublicName? PublicName)
{
    public static OpenChoices Unknown { get; } = new(false, null);
}

/// <summary>The 1:1 weekly prompt, its summary once answered, and the closed view (issue 3 item 5).</summary>
public static class PromptCards
{
    public const string AwayInput = "awayUntil";

    /// <summary>The section picked on the "added to your update" card.</summary>
    public const string MoveTargetInput = "target";

    /// <summary>The "keep my answers team-only this week" toggle (only on the form of a squad that publishes openly).</summary>
    public const string TeamOnlyInput = "teamOnly";

    /// <summary>How the member is named in the open weeknote.</summary>
    public const string PublicNameInput = "publicName";

    public static string SectionInput(string sectionId) => "s_" + sectionId;

    public static string FormTitle(Squad squad, Texts? texts = null) => (texts ?? Texts.English).Format("Prompt.FormTitle", squad.Settings.Name);

    /// <summary>The form, prefilled with what the member already wrote (or just typed, when it was refused).</summary>
    /// <param name="basis">Fingerprint of the stored answers this form is based on (defaults to <paramref name="answers"/>'s).</param>
    /// <param name="open">The member's open weeknote choices as stored (shown only when the squad publishes openly).</param>
    /// <param name="carried">What the member wrote last week in carry-forward sections: quoted, never put in the boxes.</param>
    /// <param name="texts">The member's language (their prompts and reminders come from the scheduler: it is passed in).</param>
    public static AdaptiveCard Form(Squad squad, IsoWeek week, IReadOnlyDictionary<string, string> answers, IReadOnlyList<string> errors, bool reminder, string memberId, DateTimeOffset closesAt, string? basis = null, OpenChoices? open = null, IReadOnlyList<CarriedForward>? carried = null, Texts? texts = null)
    {
        open ??= OpenChoices.Unknown;
        carried ??= [];
        var t = texts ?? Texts.English;
        var card = BuildForm(squad, week, answers, errors, reminder, memberId, closesAt, basis, open, carried, t);
        if (CardJson.MeasureUtf16Bytes(card) <= CardJson.MaxMessageUtf16Bytes || answers.Values.All(a => a.Length <= AnswerText.MaxSectionLength))
        {
            return card;
        }

        // Only a client that ignores the inputs' maxLength can send this much: echoing every character would make a
        // card Teams refuses (docs/protocol.md, "Card size"), so sections over the limit come back cut to it, and the
        // card says so. Text within the limit is always echoed whole.
        var cut = answers.ToDictionary(a => a.Key, a => a.Value.Length > AnswerText.MaxSectionLength ? a.Value[..AnswerText.MaxSectionLength] : a.Value, StringComparer.Ordinal);
        var note = t.Format("Prompt.TooLarge", Texts.Number(AnswerText.MaxSectionLength));
        return BuildForm(squad, week, cut, [.. errors, note], reminder, memberId, closesAt, basis, open, carried, t);
    }

    /// <summary>Said before each of last week's carry-forward answers (README, "Continuity").</summary>
    public const string LastWeekPrefix = "Last week you said";

    private static AdaptiveCard BuildForm(Squad squad, IsoWeek week, IReadOnlyDictionary<string, string> answers, IReadOnlyList<string> errors, bool reminder, string memberId, DateTimeOffset closesAt, string? basis, OpenChoices open, IReadOnlyList<CarriedForward> carried, Texts t)
    {
        var data = new PromptData(squad.Id, week);
        var body = new List<CardElement>
        {
            Title(FormTitle(squad, t)),
            Subtle(t.Format("Prompt.WeekLine", week, DigestComposer.FormatDateRange(week))),
        };
        if (reminder)
        {
            body.Add(new TextBlock(t["Prompt.Reminder"]) { Color = TextColor.Accent });
        }
        else
        {
            body.Add(Paragraph(t["Prompt.Ask"]));
        }

        body.AddRange(errors.Select(Error));
        body.AddRange(LastWeek(carried, t));
        foreach (var section in squad.Settings.Sections)
        {
            body.Add(new TextInput
            {
                Id = SectionInput(section.Id),
                Label = section.Title,
                Placeholder = section.Placeholder,
                IsMultiline = true,
                MaxLength = AnswerText.MaxSectionLength,
                Value = answers.TryGetValue(section.Id, out var text) ? text : null,
            });
        }

        var publishesOpenly = squad.Settings.PublishOpenly;
        if (publishesOpenly)
        {
            body.AddRange(OpenInputs(squad.Settings, open, t));
        }

        body.Add(Subtle(t.Format("Prompt.ChangeUntil", FormatLocal(closesAt, squad.TimeZone, t))));
        body.Add(Actions(
            Action(t["Prompt.Submit"], Verbs.PromptSubmit, new PromptSubmitData(squad.Id, week, basis ?? AnswersFingerprint(answers))
            {
                // What the card showed: only a choice the member changed on it is saved, so an older card never undoes a newer choice.
                TeamOnlyShown = publishesOpenly ? open.TeamOnly : null,
                PublicNameShown = publishesOpenly ? open.PublicName?.ToString() ?? "" : null,
            }),
            Action(t["Prompt.QuietWeek"], Verbs.PromptQuiet, data),
            new ShowCardAction(new AdaptiveCard
            {
                Body =
                [
                    new DateInput { Id = AwayInput, Label = t["Prompt.AwayUntilInclusive"] },
                    Actions(Action(t["Prompt.Save"], Verbs.PromptAway, new PromptAwayData(squad.Id, week))),
                ],
            }) { Title = t["Prompt.AwayUntil"] }));
        return new AdaptiveCard { FallbackText = FormTitle(squad, t), Refresh = RefreshFor(data, memberId), Body = body };
    }

    /// <summary>
    /// "Last week you said: … — what happened?" for each carry-forward section the member wrote in last week, in a
    /// quiet box above the sections. Only shown: the boxes stay as the member left them this week.
    /// </summary>
    private static IEnumerable<CardElement> LastWeek(IReadOnlyList<CarriedForward> carried, Texts t)
    {
        if (carried.Count == 0)
        {
            yield break;
        }

        // The member's own words, through the same rule as everywhere else they are shown.
        yield return new Container(
            carried.Select(c => (CardElement)new TextBlock(t.Format("Prompt.LastWeek", c.SectionTitle, MemberMarkdown.Neutralise(c.Text))) { Spacing = Spacing.Small }).ToList())
        {
            Style = ContainerStyle.Emphasis,
            Spacing = Spacing.Medium,
        };
    }

    /// <summary>
    /// The member's say over the open weeknote: keep this week's answers for the team, and how they are named in public
    /// (one choice for every week and squad, "a member of the team" until they choose).
    /// </summary>
    private static IEnumerable<CardElement> OpenInputs(SquadSettings settings, OpenChoices open, Texts t)
    {
        var teamOnlySections = settings.Sections.Where(s => !settings.IsSectionPublic(s.Id)).Select(s => s.Title).ToList();
        yield return Subtle(teamOnlySections.Count == 0
            ? t.Format("Prompt.Open.Intro", settings.Name)
            : t.Format("Prompt.Open.IntroExcept", settings.Name, string.Join(", ", teamOnlySections)));
        yield return new ToggleInput(t["Prompt.Open.TeamOnly"])
        {
            Id = TeamOnlyInput,
            Value = open.TeamOnly ? "true" : "false",
            ValueOn = "true",
            ValueOff = "false",
        };
        yield return new ChoiceSetInput(
        [
            new Choice(t["Prompt.Open.Anonymous"], nameof(PublicName.Anonymous)),
            new Choice(t["Prompt.Open.FirstName"], nameof(PublicName.FirstName)),
            new Choice(t["Prompt.Open.FullName"], nameof(PublicName.FullName)),
        ])
        {
            Id = PublicNameInput,
            Label = t["Prompt.Open.NameMeAs"],
            Style = ChoiceInputStyle.Compact,
            Value = (open.PublicName ?? PublicName.Anonymous).ToString(),
        };
    }

    /// <summary>What the member sent, with an Edit button while the week is open.</summary>
    public static AdaptiveCard Summary(Squad squad, IsoWeek week, Entry entry, DateOnly? awayUntil, bool open, DateTimeOffset closesAt, Texts? texts = null)
    {
        var t = texts ?? Texts.English;
        var data = new PromptData(squad.Id, week);
        var body = new List<CardElement>
        {
            Title(open ? t["Summary.Thanks"] : t["Summary.Closed"]),
            Subtle(t.Format("Summary.Line", squad.Settings.Name, week, DigestComposer.FormatDateRange(week))),
        };
        switch (entry.Status)
        {
            case EntryStatus.Quiet:
                body.Add(Paragraph(t["Summary.Quiet"]));
                break;
            case EntryStatus.Away:
                body.Add(Paragraph(awayUntil is { } until
                    ? t.Format("Summary.AwayUntil", until.ToString("d MMM yyyy", t.DateCulture), Turns.Commands.Word(Turns.CommandKind.Back, t.Language))
                    : t["Summary.AwayThisWeek"]));
                break;
            default:
                foreach (var section in squad.Settings.AllSections)
                {
                    if (entry.Answers.TryGetValue(section.Id, out var text) && !string.IsNullOrWhiteSpace(text))
                    {
                        body.Add(Heading(section.Title));
                        body.Add(Paragraph(text));
                    }
                }

                if (entry.Answers.Values.All(string.IsNullOrWhiteSpace))
                {
                    body.Add(Paragraph(t["Summary.NothingYet"]));
                }
                else if (squad.Settings.PublishOpenly)
                {
                    body.Add(Subtle(entry.TeamOnly
                        ? t["Summary.TeamOnly"]
                        : t["Summary.PublicSections"]));
                }

                break;
        }

        if (open)
        {
            body.Add(Subtle(t.Format("Summary.EditUntil", FormatLocal(closesAt, squad.TimeZone, t))));
            body.Add(Actions(Action(t["Summary.Edit"], Verbs.PromptEdit, data)));
        }
        else
        {
            body.Add(Subtle(t["Summary.Compiled"]));
        }

        return new AdaptiveCard { FallbackText = t["Summary.Fallback"], Refresh = RefreshFor(data, entry.MemberId), Body = body };
    }

    /// <summary>Free text typed into the chat was saved into a section; offer to move it or undo.</summary>
    /// <param name="note">Said under the text: where late words went, or "did you mean the command?".</param>
    public static AdaptiveCard Captured(Squad squad, IsoWeek week, string sectionId, string text, string? note = null, Texts? texts = null)
    {
        var t = texts ?? Texts.English;
        var section = squad.Settings.Sections.FirstOrDefault(s => s.Id == sectionId) ?? squad.Settings.Sections[0];
        var data = new CaptureData(squad.Id, week, section.Id, text);
        return new AdaptiveCard
        {
            FallbackText = t["Captured.Fallback"],
            Body =
            [
                new TextBlock(t.Format("Captured.AddedTo", section.Title, squad.Settings.Name)) { Weight = FontWeight.Bolder },
                new Container([Paragraph(text)]) { Style = ContainerStyle.Emphasis },
                .. note is null ? Array.Empty<CardElement>() : [Paragraph(note)],
                new ChoiceSetInput(squad.Settings.Sections.Select(s => new Choice(s.Title, s.Id)).ToList())
                {
                    Id = MoveTargetInput,
                    Label = t["Captured.MoveTo"],
                    Value = section.Id,
                    Style = ChoiceInputStyle.Compact,
                },
                Actions(
                    Action(t["Captured.Move"], Verbs.CaptureMove, data),
                    Action(t["Captured.Undo"], Verbs.CaptureUndo, data)),
            ],
        };
    }

    /// <summary>A fingerprint of a member's stored answers (order-independent).</summary>
    public static string AnswersFingerprint(IReadOnlyDictionary<string, string> answers) =>
        DigestCards.Fingerprint(string.Join('\u001f', answers.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => a.Key + "=" + a.Value)));

    public static string FormatLocal(DateTimeOffset instant, TimeZoneInfo zone, Texts? texts = null)
    {
        var local = TimeZoneInfo.ConvertTime(instant, zone);
        return local.ToString("ddd d MMM, HH:mm", (texts ?? Texts.English).DateCulture);
    }

    private static Refresh RefreshFor(PromptData data, string memberId) => new()
    {
        // Up-to-date views (docs/protocol.md, "Card refresh"): Teams fetches the current card for this member automatically.
        Action = new ExecuteAction(Verbs.PromptRefresh) { Data = CardDataJson.ToElement(data) },
        UserIds = [memberId],
    };
}
