using System.Globalization;
using UpdateBot.Domain;
using UpdateBot.Localisation;
using UpdateBot.Storage;
using UpdateBot.Teams.Cards;
using UpdateBot.Turns;
using static UpdateBot.Cards.CardParts;

namespace UpdateBot.Cards;

/// <summary>The squad setup card (issue 3 item 1) and its confirmation.</summary>
public static class SetupCards
{
    public const string SetupTitle = "Set up your squad's weekly update";
    public const string SavedTitle = "Weekly update is set up";

    private static readonly string[] Days = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

    /// <summary>Input ids, shared with the handler that reads them.</summary>
    public static class Inputs
    {
        public const string Name = "name";
        public const string TimeZone = "timeZone";
        public const string Sections = "sections";
        public const string AutoPublish = "autoPublish";
        public const string Leads = "leads";
        public const string PublishOpenly = "publishOpenly";
        public const string OpenSlug = "openSlug";
        public const string PublicSections = "publicSections";
        public const string CarryForwardSections = "carryForwardSections";
        public const string OpenDay = "openDay";
        public const string OpenTime = "openTime";
        public const string RemindDay = "remindDay";
        public const string RemindTime = "remindTime";
        public const string CompileDay = "compileDay";
        public const string CompileTime = "compileTime";
        public const string PublishDay = "publishDay";
        public const string PublishTime = "publishTime";

        public static string Day(CycleStep step) => step switch
        {
            CycleStep.Open => OpenDay,
            CycleStep.Remind => RemindDay,
            CycleStep.Compile => CompileDay,
            _ => PublishDay,
        };

        public static string Time(CycleStep step) => step switch
        {
            CycleStep.Open => OpenTime,
            CycleStep.Remind => RemindTime,
            CycleStep.Compile => CompileTime,
            _ => PublishTime,
        };
    }

    /// <summary>The form, prefilled from the squad's settings or from what the lead just typed (so nothing is lost on an error).</summary>
    public static AdaptiveCard Form(Squad squad, SquadSettingsInput? typed, IReadOnlyList<string> errors, IReadOnlyList<Member>? roster = null, string? typedLeads = null, Texts? texts = null)
    {
        var t = texts ?? Texts.English;
        var settings = squad.Settings;
        var body = new List<CardElement>
        {
            Title(t["Setup.Title"]),
            Paragraph(t["Setup.Intro"]),
        };
        body.AddRange(errors.Select(Error));
        body.Add(new TextInput { Id = Inputs.Name, Label = t["Setup.Name"], Value = typed?.Name ?? settings.Name, MaxLength = SettingsValidation.MaxNameLength, IsRequired = true, ErrorMessage = t["Setup.NameMissing"] });
        body.Add(new TextInput { Id = Inputs.TimeZone, Label = t["Setup.TimeZone"], Placeholder = "Europe/London", Value = typed?.TimeZoneId ?? settings.TimeZoneId });
        foreach (var step in Enum.GetValues<CycleStep>())
        {
            var at = settings.Schedule.For(step);
            body.Add(new ColumnSet(
            [
                // The value stays the English day name the settings read; the reader sees their language's.
                new Column([new ChoiceSetInput(Days.Select(d => new Choice(t["Day." + d], d)).ToList())
                {
                    Id = Inputs.Day(step),
                    Label = StepLabel(step, t),
                    Value = TypedDay(typed, step) ?? at.Day.ToString(),
                    Style = ChoiceInputStyle.Compact,
                }]) { Width = "stretch" },
                new Column([new TimeInput
                {
                    Id = Inputs.Time(step),
                    Label = t["Setup.At"],
                    Value = TypedTime(typed, step) ?? at.Time.ToString("HH:mm", CultureInfo.InvariantCulture),
                }]) { Width = "stretch" },
            ]));
        }

        body.Add(new TextInput
        {
            Id = Inputs.Sections,
            Label = t.Format("Setup.Sections", SquadSettings.MaxSections),
            IsMultiline = true,
            Value = typed?.Sections ?? string.Join('\n', settings.Sections.Select(s => s.Title)),
        });
        body.Add(new ChoiceSetInput(settings.Sections.Select(s => new Choice(s.Title, s.Id)).ToList())
        {
            // README, "Continuity": the sections listed are the ones saved now; a "Next week" added on this card carries forward.
            Id = Inputs.CarryForwardSections,
            Label = t["Setup.CarryForward"],
            IsMultiSelect = true,
            Value = typed?.CarryForwardSectionIds is { } carried
                ? string.Join(',', carried)
                : string.Join(',', settings.Sections.Where(s => settings.CarriesForward(s.Id)).Select(s => s.Id)),
        });
        body.Add(new ToggleInput(t["Setup.AutoPublish"])
        {
            Id = Inputs.AutoPublish,
            Value = (typed?.AutoPublish ?? settings.AutoPublish) ? "true" : "false",
            ValueOn = "true",
            ValueOff = "false",
        });
        body.Add(LeadsInput(settings.LeadIds, roster ?? [], typedLeads, t));
        body.AddRange(OpenInputs(settings, typed, t));
        body.Add(Subtle(t["Setup.PostedHere"]));
        body.Add(Actions(Action(t["Setup.Save"], Verbs.SetupSave, new SetupSaveData(squad.Id)
        {
            Version = squad.SettingsVersion,
            SectionIds = settings.Sections.Select(s => s.Id).ToList(),
        })));
        return new AdaptiveCard { FallbackText = t["Setup.Title"], Body = body };
    }

    /// <summary>
    /// The open weeknote (README, "The open weeknote"): the Publish openly toggle, the web address name and which
    /// sections are public by default. The sections listed are the ones saved now (a section added on this card is public).
    /// </summary>
    private static IEnumerable<CardElement> OpenInputs(SquadSettings settings, SquadSettingsInput? typed, Texts t)
    {
        yield return Heading(t["Setup.OpenHeading"]);
        yield return new ToggleInput(t["Setup.PublishOpenly"])
        {
            Id = Inputs.PublishOpenly,
            Value = (typed?.PublishOpenly ?? settings.PublishOpenly) ? "true" : "false",
            ValueOn = "true",
            ValueOff = "false",
        };
        yield return new TextInput
        {
            Id = Inputs.OpenSlug,
            Label = t["Setup.OpenSlug"],
            Value = typed?.OpenSlug ?? settings.EffectiveOpenSlug,
            MaxLength = SettingsValidation.MaxOpenSlugLength,
        };
        yield return new ChoiceSetInput(settings.Sections.Select(s => new Choice(s.Title, s.Id)).ToList())
        {
            Id = Inputs.PublicSections,
            Label = t["Setup.PublicSections"],
            IsMultiSelect = true,
            Value = typed?.PublicSectionIds is { } ticked
                ? string.Join(',', ticked)
                : string.Join(',', settings.Sections.Where(s => settings.IsSectionPublic(s.Id)).Select(s => s.Id)),
        };
    }

    /// <summary>
    /// Who leads: anyone on the team's roster (read from Teams when the app was added). Current leads stay listed even
    /// if the roster does not have them yet.
    /// </summary>
    private static ChoiceSetInput LeadsInput(IReadOnlyList<string> leadIds, IReadOnlyList<Member> roster, string? typedLeads, Texts t)
    {
        var choices = roster.Where(m => m.InRoster).Select(m => new Choice(m.Name, m.UserId)).ToList();
        choices.AddRange(leadIds.Where(id => choices.All(c => c.Value != id)).Select(id => new Choice(t["Setup.CurrentLead"], id)));
        return new ChoiceSetInput(choices)
        {
            Id = Inputs.Leads,
            Label = t["Setup.Leads"],
            IsMultiSelect = true,
            Style = ChoiceInputStyle.Compact,
            Value = typedLeads ?? string.Join(',', leadIds),
        };
    }


    /// <summary>Said above the fresh form when a card built from older settings was saved (the English string, for tests).</summary>
    public const string ChangedSinceCard = "Not saved: the settings were changed since this card was built. Here they are now; what your card had is listed below. Make your changes again and save.";

    /// <summary>
    /// What a setup card would change compared with the settings now, one line per field ("Leads — now: A, B; your
    /// card: A, B, C"), so a lead saving an old card sees what they would overwrite or bring back.
    /// </summary>
    public static IReadOnlyList<string> Differences(SquadSettings now, SquadSettingsInput card, IReadOnlyList<string> cardLeads, IReadOnlyList<Member> roster, Texts? texts = null)
    {
        var t = texts ?? Texts.English;
        var differences = new List<string>();
        void Compare(string label, string current, string carded)
        {
            if (!string.Equals(current, carded, StringComparison.Ordinal))
            {
                differences.Add(t.Format("Setup.Difference", label, current, carded));
            }
        }

        Compare(t["Setup.Name"], now.Name, card.Name?.Trim() ?? "");
        Compare(t["Setup.Field.TimeZone"], now.TimeZoneId, SettingsValidation.TryFindTimeZone(card.TimeZoneId, out var zone) ? zone.Id : card.TimeZoneId?.Trim() ?? "");
        foreach (var step in Enum.GetValues<CycleStep>())
        {
            var (dayText, timeText) = (TypedDay(card, step), TypedTime(card, step));
            var carded = SettingsValidation.TryParseDay(dayText, out var day) && SettingsValidation.TryParseTime(timeText, out var time)
                ? Describe(new WeeklyTime(day, time), t)
                : $"{dayText} {timeText}".Trim();
            Compare(StepLabel(step, t), Describe(now.Schedule.For(step), t), carded);
        }

        var cardSections = (card.Sections ?? "").ReplaceLineEndings("\n").Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0);
        Compare(t["Setup.Field.Sections"], string.Join(" · ", now.Sections.Select(s => s.Title)), string.Join(" · ", cardSections));
        Compare(t["Setup.Field.Publishing"], PublishingText(now.AutoPublish, t), PublishingText(card.AutoPublish, t));
        Compare(t["Setup.Field.PublishOpenly"], t[now.PublishOpenly ? "Setup.On" : "Setup.Off"], t[card.PublishOpenly ? "Setup.On" : "Setup.Off"]);
        Compare(t["Setup.Field.OpenSlug"], now.EffectiveOpenSlug, string.IsNullOrWhiteSpace(card.OpenSlug) ? now.EffectiveOpenSlug : card.OpenSlug.Trim());
        if (card.PublicSectionIds is { } ticked && card.SectionIds is { } shown)
        {
            string Titles(IEnumerable<string> ids) => string.Join(" · ", ids.Select(id => now.AllSections.FirstOrDefault(s => s.Id == id)?.Title ?? id));
            Compare(t["Setup.Field.PublicSections"], Titles(now.Sections.Select(s => s.Id).Where(now.IsSectionPublic)), Titles(shown.Where(ticked.Contains)));
        }
        if (card.CarryForwardSectionIds is { } carriedOnCard && card.SectionIds is { } shownOnCard)
        {
            string CarriedTitles(IEnumerable<string> ids) => string.Join(" · ", ids.Select(id => now.AllSections.FirstOrDefault(s => s.Id == id)?.Title ?? id));
            Compare(t["Setup.Field.CarryForward"], CarriedTitles(now.Sections.Select(s => s.Id).Where(now.CarriesForward)), CarriedTitles(shownOnCard.Where(carriedOnCard.Contains)));
        }

        string Names(IEnumerable<string> ids) => string.Join(", ", ids.Select(id => roster.FirstOrDefault(m => m.UserId == id)?.Name ?? t["Setup.FormerMember"]).Order(StringComparer.CurrentCulture));
        if (!now.LeadIds.ToHashSet(StringComparer.Ordinal).SetEquals(cardLeads))
        {
            differences.Add(t.Format("Setup.Difference", t["Setup.Field.Leads"], Names(now.LeadIds), Names(cardLeads)));
        }

        return differences;
    }

    /// <summary>"renamed A → B; removed C (this week's answers stay in the draft); added D", or empty.</summary>
    private static string SectionChanges(SquadSettings before, SquadSettings after, Texts t)
    {
        var changes = new List<string>();
        foreach (var section in after.Sections)
        {
            var was = before.Sections.FirstOrDefault(s => s.Id == section.Id);
            if (was is not null && !string.Equals(was.Title, section.Title, StringComparison.Ordinal))
            {
                changes.Add(t.Format("Setup.Renamed", was.Title, section.Title));
            }
            else if (was is null)
            {
                changes.Add(t.Format("Setup.Added", section.Title));
            }
        }

        changes.AddRange(before.Sections.Where(s => after.Sections.All(a => a.Id != s.Id)).Select(s => t.Format("Setup.Removed", s.Title)));
        return string.Join("; ", changes);
    }

    private static string PublishingText(bool autoPublish, Texts t) => t[autoPublish ? "Setup.Publishing.Auto" : "Setup.Publishing.Review"];

    /// <param name="next">When the next step runs (and which run now because the new schedule put them in the past).</param>
    /// <param name="before">The settings before this save: how the sections were read (renamed, removed, added) is shown, so a lead can check it.</param>
    public static AdaptiveCard Saved(SquadSettings settings, string savedBy, string? next = null, SquadSettings? before = null, Texts? texts = null)
    {
        var t = texts ?? Texts.English;
        var facts = new List<Fact>
        {
            new(t["Setup.Field.Squad"], settings.Name),
            new(t["Setup.Field.TimeZone"], settings.TimeZoneId),
        };
        facts.AddRange(Enum.GetValues<CycleStep>().Select(s => new Fact(StepLabel(s, t), Describe(settings.Schedule.For(s), t))));
        facts.Add(new Fact(t["Setup.Field.Sections"], string.Join(" · ", settings.Sections.Select(s => s.Title))));
        if (before is not null && SectionChanges(before, settings, t) is { Length: > 0 } changes)
        {
            facts.Add(new Fact(t["Setup.Field.SectionChanges"], changes));
        }

        facts.Add(new Fact(t["Setup.Field.CarryForward"], settings.Sections.Any(s => settings.CarriesForward(s.Id))
            ? string.Join(" · ", settings.Sections.Where(s => settings.CarriesForward(s.Id)).Select(s => s.Title))
            : t["Setup.None"]));
        facts.Add(new Fact(t["Setup.Field.Publishing"], PublishingText(settings.AutoPublish, t)));
        facts.Add(new Fact(t["Setup.OpenHeading"], settings.PublishOpenly
            ? t.Format("Setup.Open.On", settings.EffectiveOpenSlug, string.Join(" · ", settings.Sections.Where(s => settings.IsSectionPublic(s.Id)).Select(s => s.Title)))
            : t["Setup.Open.Off"]));
        facts.Add(new Fact(t["Setup.Field.Leads"], settings.LeadIds.Count == 1 ? t["Setup.Leads.One"] : t.Format("Setup.Leads.Many", settings.LeadIds.Count)));
        return new AdaptiveCard
        {
            FallbackText = t["Setup.SavedTitle"],
            Body =
            [
                Title(t["Setup.SavedTitle"]),
                new FactSet(facts),
                .. next is null ? Array.Empty<CardElement>() : [new TextBlock(next) { Wrap = true }],
                Subtle(t.Format("Setup.SavedBy", savedBy, Commands.Word(CommandKind.Settings, t.Language))),
            ],
        };
    }

    public static string StepLabel(CycleStep step, Texts? texts = null) => (texts ?? Texts.English)["Setup.Step." + step];

    /// <summary>"Thursday 10:00" in the reader's language ("Dydd Iau 10:00").</summary>
    public static string Describe(WeeklyTime at, Texts texts) =>
        $"{texts["Day." + at.Day]} {at.Time.ToString("HH:mm", CultureInfo.InvariantCulture)}";

    private static string? TypedDay(SquadSettingsInput? typed, CycleStep step) => typed is null ? null : step switch
    {
        CycleStep.Open => typed.OpenDay,
        CycleStep.Remind => typed.RemindDay,
        CycleStep.Compile => typed.CompileDay,
        _ => typed.PublishDay,
    };

    private static string? TypedTime(SquadSettingsInput? typed, CycleStep step) => typed is null ? null : step switch
    {
        CycleStep.Open => typed.OpenTime,
        CycleStep.Remind => typed.RemindTime,
        CycleStep.Compile => typed.CompileTime,
        _ => typed.PublishTime,
    };
}
