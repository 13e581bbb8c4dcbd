using System.Globalization;
using UpdateBot.Domain;
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

    public static string FormTitle(Squad squad) => $"{squad.Settings.Name}: your weekly update";

    /// <summary>The form, prefilled with what the member already wrote (or just typed, when it was refused).</summary>
    /// <param name="basis">Fingerprint of the stored answers this form is based on (defaults to <paramref name="answers"/>'s).</param>
    /// <param name="open">The member's open weeknote choices as stored (shown only when the squad publishes openly).</param>
    /// <param name="carried">What the member wrote last week in carry-forward sections: quoted, never put in the boxes.</param>
    public static AdaptiveCard Form(Squad squad, IsoWeek week, IReadOnlyDictionary<string, string> answers, IReadOnlyList<string> errors, bool reminder, string memberId, DateTimeOffset closesAt, string? basis = null, OpenChoices? open = null, IReadOnlyList<CarriedForward>? carried = null)
    {
        open ??= OpenChoices.Unknown;
        carried ??= [];
        var card = BuildForm(squad, week, answers, errors, reminder, memberId, closesAt, basis, open, carried);
        if (CardJson.MeasureUtf16Bytes(card) <= CardJson.MaxMessageUtf16Bytes || answers.Values.All(a => a.Length <= AnswerText.MaxSectionLength))
        {
            return card;
        }

        // Only a client that ignores the inputs' maxLength can send this much: echoing every character would make a
        // card Teams refuses (docs/protocol.md, "Card size"), so sections over the limit come back cut to it, and the
        // card says so. Text within the limit is always echoed whole.
        var cut = answers.ToDictionary(a => a.Key, a => a.Value.Length > AnswerText.MaxSectionLength ? a.Value[..AnswerText.MaxSectionLength] : a.Value, StringComparer.Ordinal);
        var note = string.Create(CultureInfo.InvariantCulture, $"The form was too large to send back whole: each section over the limit is cut to the first {AnswerText.MaxSectionLength:N0} characters here.");
        return BuildForm(squad, week, cut, [.. errors, note], reminder, memberId, closesAt, basis, open, carried);
    }

    /// <summary>Said before each of last week's carry-forward answers (README, "Continuity").</summary>
    public const string LastWeekPrefix = "Last week you said";

    private static AdaptiveCard BuildForm(Squad squad, IsoWeek week, IReadOnlyDictionary<string, string> answers, IReadOnlyList<string> errors, bool reminder, string memberId, DateTimeOffset closesAt, string? basis, OpenChoices open, IReadOnlyList<CarriedForward> carried)
    {
        var data = new PromptData(squad.Id, week);
        var body = new List<CardElement>
        {
            Title(FormTitle(squad)),
            Subtle($"Week {week} · {DigestComposer.FormatDateRange(week)}"),
        };
        if (reminder)
        {
            body.Add(new TextBlock("A gentle reminder: the weeknote is compiled soon. A line or two is plenty — or tap Quiet week.") { Color = TextColor.Accent });
        }
        else
        {
            body.Add(Paragraph("What happened this week? Fill in any sections you like and leave the rest empty."));
        }

        body.AddRange(errors.Select(Error));
        body.AddRange(LastWeek(carried));
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
            body.AddRange(OpenInputs(squad.Settings, open));
        }

        body.Add(Subtle($"You can change your answer until {FormatLocal(closesAt, squad.TimeZone)}."));
        body.Add(Actions(
            Action("Submit", Verbs.PromptSubmit, new PromptSubmitData(squad.Id, week, basis ?? AnswersFingerprint(answers))
            {
                // What the card showed: only a choice the member changed on it is saved, so an older card never undoes a newer choice.
                TeamOnlyShown = publishesOpenly ? open.TeamOnly : null,
                PublicNameShown = publishesOpenly ? open.PublicName?.ToString() ?? "" : null,
            }),
            Action("Quiet week", Verbs.PromptQuiet, data),
            new ShowCardAction(new AdaptiveCard
            {
                Body =
                [
                    new DateInput { Id = AwayInput, Label = "Away until (inclusive)" },
                    Actions(Action("Save", Verbs.PromptAway, new PromptAwayData(squad.Id, week))),
                ],
            }) { Title = "Away until…" }));
        return new AdaptiveCard { FallbackText = FormTitle(squad), Refresh = RefreshFor(data, memberId), Body = body };
    }

    /// <summary>
    /// "Last week you said: … — what happened?" for each carry-forward section the member wrote in last week, in a
    /// quiet box above the sections. Only shown: the boxes stay as the member left them this week.
    /// </summary>
    private static IEnumerable<CardElement> LastWeek(IReadOnlyList<CarriedForward> carried)
    {
        if (carried.Count == 0)
        {
            yield break;
        }

        // The member's own words, through the same rule as everywhere else they are shown.
        yield return new Container(
            carried.Select(c => (CardElement)new TextBlock($"{c.SectionTitle} · {LastWeekPrefix}: “{MemberMarkdown.Neutralise(c.Text)}” — what happened?") { Spacing = Spacing.Small }).ToList())
        {
            Style = ContainerStyle.Emphasis,
            Spacing = Spacing.Medium,
        };
    }

    /// <summary>
    /// The member's say over the open weeknote: keep this week's answers for the team, and how they are named in public
    /// (one choice for every week and squad, "a member of the team" until they choose).
    /// </summary>
    private static IEnumerable<CardElement> OpenInputs(SquadSettings settings, OpenChoices open)
    {
        var teamOnlySections = settings.Sections.Where(s => !settings.IsSectionPublic(s.Id)).Select(s => s.Title).ToList();
        yield return Subtle(teamOnlySections.Count == 0
            ? $"{settings.Name} publishes an open weeknote anyone can read: your answers can appear in it unless you keep them for the team."
            : $"{settings.Name} publishes an open weeknote anyone can read: your answers can appear in it unless you keep them for the team ({string.Join(", ", teamOnlySections)} never do).");
        yield return new ToggleInput("Keep my answers team-only this week (not in the public weeknote)")
        {
            Id = TeamOnlyInput,
            Value = open.TeamOnly ? "true" : "false",
            ValueOn = "true",
            ValueOff = "false",
        };
        yield return new ChoiceSetInput(
        [
            new Choice("A member of the team", nameof(PublicName.Anonymous)),
            new Choice("My first name", nameof(PublicName.FirstName)),
            new Choice("My full name", nameof(PublicName.FullName)),
        ])
        {
            Id = PublicNameInput,
            Label = "In the public weeknote, name me as",
            Style = ChoiceInputStyle.Compact,
            Value = (open.PublicName ?? PublicName.Anonymous).ToString(),
        };
    }

    /// <summary>What the member sent, with an Edit button while the week is open.</summary>
    public static AdaptiveCard Summary(Squad squad, IsoWeek week, Entry entry, DateOnly? awayUntil, bool open, DateTimeOffset closesAt)
    {
        var data = new PromptData(squad.Id, week);
        var body = new List<CardElement>
        {
            Title(open ? "Thanks — your update is in" : "This week is closed"),
            Subtle($"{squad.Settings.Name} · week {week} · {DigestComposer.FormatDateRange(week)}"),
        };
        switch (entry.Status)
        {
            case EntryStatus.Quiet:
                body.Add(Paragraph("You marked this as a quiet week. Nothing will appear under your name."));
                break;
            case EntryStatus.Away:
                body.Add(Paragraph(awayUntil is { } until
                    ? $"You're away until {until.ToString("d MMM yyyy", CultureInfo.InvariantCulture)}. No prompts until you're back — say **back** if plans change."
                    : "You're marked as away this week."));
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
                    body.Add(Paragraph("Nothing yet for this week."));
                }
                else if (squad.Settings.PublishOpenly)
                {
                    body.Add(Subtle(entry.TeamOnly
                        ? "Team-only: none of this week's answers will be in the public weeknote."
                        : "Answers in public sections can be in the public weeknote. Edit to keep them team-only."));
                }

                break;
        }

        if (open)
        {
            body.Add(Subtle($"You can edit until {FormatLocal(closesAt, squad.TimeZone)}."));
            body.Add(Actions(Action("Edit", Verbs.PromptEdit, data)));
        }
        else
        {
            body.Add(Subtle("The weeknote has been compiled. If something needs changing, ask your squad lead."));
        }

        return new AdaptiveCard { FallbackText = "Your weekly update", Refresh = RefreshFor(data, entry.MemberId), Body = body };
    }

    /// <summary>Free text typed into the chat was saved into a section; offer to move it or undo.</summary>
    /// <param name="note">Said under the text: where late words went, or "did you mean the command?".</param>
    public static AdaptiveCard Captured(Squad squad, IsoWeek week, string sectionId, string text, string? note = null)
    {
        var section = squad.Settings.Sections.FirstOrDefault(s => s.Id == sectionId) ?? squad.Settings.Sections[0];
        var data = new CaptureData(squad.Id, week, section.Id, text);
        return new AdaptiveCard
        {
            FallbackText = "Added to your update",
            Body =
            [
                new TextBlock($"Added to **{section.Title}** for {squad.Settings.Name}:") { Weight = FontWeight.Bolder },
                new Container([Paragraph(text)]) { Style = ContainerStyle.Emphasis },
                .. note is null ? Array.Empty<CardElement>() : [Paragraph(note)],
                new ChoiceSetInput(squad.Settings.Sections.Select(s => new Choice(s.Title, s.Id)).ToList())
                {
                    Id = MoveTargetInput,
                    Label = "Move it to",
                    Value = section.Id,
                    Style = ChoiceInputStyle.Compact,
                },
                Actions(
                    Action("Move", Verbs.CaptureMove, data),
                    Action("Undo", Verbs.CaptureUndo, data)),
            ],
        };
    }

    /// <summary>A fingerprint of a member's stored answers (order-independent).</summary>
    public static string AnswersFingerprint(IReadOnlyDictionary<string, string> answers) =>
        DigestCards.Fingerprint(string.Join('\u001f', answers.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => a.Key + "=" + a.Value)));

    public static string FormatLocal(DateTimeOffset instant, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(instant, zone);
        return local.ToString("ddd d MMM, HH:mm", CultureInfo.InvariantCulture);
    }

    private static Refresh RefreshFor(PromptData data, string memberId) => new()
    {
        // Up-to-date views (docs/protocol.md, "Card refresh"): Teams fetches the current card for this member automatically.
        Action = new ExecuteAction(Verbs.PromptRefresh) { Data = CardDataJson.ToElement(data) },
        UserIds = [memberId],
    };
}
