using System.Globalization;
using UpdateBot.Domain;
using UpdateBot.Storage;
using UpdateBot.Teams.Cards;
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
    public static AdaptiveCard Form(Squad squad, SquadSettingsInput? typed, IReadOnlyList<string> errors, IReadOnlyList<Member>? roster = null, string? typedLeads = null)
    {
        var settings = squad.Settings;
        var body = new List<CardElement>
        {
            Title(SetupTitle),
            Paragraph("Only squad leads can change these. Times are in the squad's time zone; daylight saving is handled for you."),
        };
        body.AddRange(errors.Select(Error));
        body.Add(new TextInput { Id = Inputs.Name, Label = "Squad name", Value = typed?.Name ?? settings.Name, MaxLength = SettingsValidation.MaxNameLength, IsRequired = true, ErrorMessage = "Give the squad a name." });
        body.Add(new TextInput { Id = Inputs.TimeZone, Label = "Time zone (IANA name)", Placeholder = "Europe/London", Value = typed?.TimeZoneId ?? settings.TimeZoneId });
        foreach (var step in Enum.GetValues<CycleStep>())
        {
            var at = settings.Schedule.For(step);
            body.Add(new ColumnSet(
            [
                new Column([new ChoiceSetInput(Days.Select(d => new Choice(d, d)).ToList())
                {
                    Id = Inputs.Day(step),
                    Label = StepLabel(step),
                    Value = TypedDay(typed, step) ?? at.Day.ToString(),
                    Style = ChoiceInputStyle.Compact,
                }]) { Width = "stretch" },
                new Column([new TimeInput
                {
                    Id = Inputs.Time(step),
                    Label = "at",
                    Value = TypedTime(typed, step) ?? at.Time.ToString("HH:mm", CultureInfo.InvariantCulture),
                }]) { Width = "stretch" },
            ]));
        }

        body.Add(new TextInput
        {
            Id = Inputs.Sections,
            Label = $"Sections, one per line (at most {SquadSettings.MaxSections})",
            IsMultiline = true,
            Value = typed?.Sections ?? string.Join('\n', settings.Sections.Select(s => s.Title)),
        });
        body.Add(new ChoiceSetInput(settings.Sections.Select(s => new Choice(s.Title, s.Id)).ToList())
        {
            // README, "Continuity": the sections listed are the ones saved now; a "Next week" added on this card carries forward.
            Id = Inputs.CarryForwardSections,
            Label = "Carry forward: each member's answer comes back on their next prompt (\"Last week you said: … — what happened?\")",
            IsMultiSelect = true,
            Value = typed?.CarryForwardSectionIds is { } carried
                ? string.Join(',', carried)
                : string.Join(',', settings.Sections.Where(s => settings.CarriesForward(s.Id)).Select(s => s.Id)),
        });
        body.Add(new ToggleInput("Publish automatically at the publish time, without waiting for a lead's review")
        {
            Id = Inputs.AutoPublish,
            Value = (typed?.AutoPublish ?? settings.AutoPublish) ? "true" : "false",
            ValueOn = "true",
            ValueOff = "false",
        });
        body.Add(LeadsInput(settings.LeadIds, roster ?? [], typedLeads));
        body.AddRange(OpenInputs(settings, typed));
        body.Add(Subtle("The weeknote is posted in this channel."));
        body.Add(Actions(Action("Save settings", Verbs.SetupSave, new SetupSaveData(squad.Id)
        {
            Version = squad.SettingsVersion,
            SectionIds = settings.Sections.Select(s => s.Id).ToList(),
        })));
        return new AdaptiveCard { FallbackText = SetupTitle, Body = body };
    }

    /// <summary>
    /// The open weeknote (README, "The open weeknote"): the Publish openly toggle, the web address name and which
    /// sections are public by default. The sections listed are the ones saved now (a section added on this card is public).
    /// </summary>
    private static IEnumerable<CardElement> OpenInputs(SquadSettings settings, SquadSettingsInput? typed)
    {
        yield return Heading("Open weeknote");
        yield return new ToggleInput("Publish openly: each publish also puts the public items on a web page and feed anyone can read")
        {
            Id = Inputs.PublishOpenly,
            Value = (typed?.PublishOpenly ?? settings.PublishOpenly) ? "true" : "false",
            ValueOn = "true",
            ValueOff = "false",
        };
        yield return new TextInput
        {
            Id = Inputs.OpenSlug,
            Label = "Web address name (/weeknotes/name/): letters a to z, digits and hyphens",
            Value = typed?.OpenSlug ?? settings.EffectiveOpenSlug,
            MaxLength = SettingsValidation.MaxOpenSlugLength,
        };
        yield return new ChoiceSetInput(settings.Sections.Select(s => new Choice(s.Title, s.Id)).ToList())
        {
            Id = Inputs.PublicSections,
            Label = "Sections that are public (members can still keep their answers for the team; leads can withhold an item)",
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
    private static ChoiceSetInput LeadsInput(IReadOnlyList<string> leadIds, IReadOnlyList<Member> roster, string? typedLeads)
    {
        var choices = roster.Where(m => m.InRoster).Select(m => new Choice(m.Name, m.UserId)).ToList();
        choices.AddRange(leadIds.Where(id => choices.All(c => c.Value != id)).Select(id => new Choice("Current lead", id)));
        return new ChoiceSetInput(choices)
        {
            Id = Inputs.Leads,
            Label = "Leads (they change these settings, review the draft and publish)",
            IsMultiSelect = true,
            Style = ChoiceInputStyle.Compact,
            Value = typedLeads ?? string.Join(',', leadIds),
        };
    }

    /// <summary>Said above the fresh form when a card built from older settings was saved.</summary>
    public const string ChangedSinceCard = "Not saved: the settings were changed since this card was built. Here they are now; what your card had is listed below. Make your changes again and save.";

    /// <summary>
    /// What a setup card would change compared with the settings now, one line per field ("Leads — now: A, B; your
    /// card: A, B, C"), so a lead saving an old card sees what they would overwrite or bring back.
    /// </summary>
    public static IReadOnlyList<string> Differences(SquadSettings now, SquadSettingsInput card, IReadOnlyList<string> cardLeads, IReadOnlyList<Member> roster)
    {
        var differences = new List<string>();
        void Compare(string label, string current, string carded)
        {
            if (!string.Equals(current, carded, StringComparison.Ordinal))
            {
                differences.Add($"{label} — now: {current}; your card: {carded}");
            }
        }

        Compare("Squad name", now.Name, card.Name?.Trim() ?? "");
        Compare("Time zone", now.TimeZoneId, SettingsValidation.TryFindTimeZone(card.TimeZoneId, out var zone) ? zone.Id : card.TimeZoneId?.Trim() ?? "");
        foreach (var step in Enum.GetValues<CycleStep>())
        {
            var (dayText, timeText) = (TypedDay(card, step), TypedTime(card, step));
            var carded = SettingsValidation.TryParseDay(dayText, out var day) && SettingsValidation.TryParseTime(timeText, out var time)
                ? Describe(new WeeklyTime(day, time))
                : $"{dayText} {timeText}".Trim();
            Compare(StepLabel(step), Describe(now.Schedule.For(step)), carded);
        }

        var cardSections = (card.Sections ?? "").ReplaceLineEndings("\n").Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0);
        Compare("Sections", string.Join(" · ", now.Sections.Select(s => s.Title)), string.Join(" · ", cardSections));
        Compare("Publishing", PublishingText(now.AutoPublish), PublishingText(card.AutoPublish));
        Compare("Publish openly", now.PublishOpenly ? "on" : "off", card.PublishOpenly ? "on" : "off");
        Compare("Web address name", now.EffectiveOpenSlug, string.IsNullOrWhiteSpace(card.OpenSlug) ? now.EffectiveOpenSlug : card.OpenSlug.Trim());
        if (card.PublicSectionIds is { } ticked && card.SectionIds is { } shown)
        {
            string Titles(IEnumerable<string> ids) => string.Join(" · ", ids.Select(id => now.AllSections.FirstOrDefault(s => s.Id == id)?.Title ?? id));
            Compare("Public sections", Titles(now.Sections.Select(s => s.Id).Where(now.IsSectionPublic)), Titles(shown.Where(ticked.Contains)));
        }
        if (card.CarryForwardSectionIds is { } carriedOnCard && card.SectionIds is { } shownOnCard)
        {
            string CarriedTitles(IEnumerable<string> ids) => string.Join(" · ", ids.Select(id => now.AllSections.FirstOrDefault(s => s.Id == id)?.Title ?? id));
            Compare("Carry forward", CarriedTitles(now.Sections.Select(s => s.Id).Where(now.CarriesForward)), CarriedTitles(shownOnCard.Where(carriedOnCard.Contains)));
        }

        string Names(IEnumerable<string> ids) => string.Join(", ", ids.Select(id => roster.FirstOrDefault(m => m.UserId == id)?.Name ?? "a former member").Order(StringComparer.CurrentCulture));
        if (!now.LeadIds.ToHashSet(StringComparer.Ordinal).SetEquals(cardLeads))
        {
            differences.Add($"Leads — now: {Names(now.LeadIds)}; your card: {Names(cardLeads)}");
        }

        return differences;
    }

    /// <summary>"renamed A → B; removed C (this week's answers stay in the draft); added D", or empty.</summary>
    private static string SectionChanges(SquadSettings before, SquadSettings after)
    {
        var changes = new List<string>();
        foreach (var section in after.Sections)
        {
            var was = before.Sections.FirstOrDefault(s => s.Id == section.Id);
            if (was is not null && !string.Equals(was.Title, section.Title, StringComparison.Ordinal))
            {
                changes.Add($"renamed {was.Title} → {section.Title}");
            }
            else if (was is null)
            {
                changes.Add($"added {section.Title}");
            }
        }

        changes.AddRange(before.Sections.Where(s => after.Sections.All(a => a.Id != s.Id)).Select(s => $"removed {s.Title} (this week's answers stay in the draft)"));
        return string.Join("; ", changes);
    }

    private static string PublishingText(bool autoPublish) => autoPublish ? "automatic at the publish time" : "after a lead reviews it";

    /// <param name="next">When the next step runs (and which run now because the new schedule put them in the past).</param>
    /// <param name="before">The settings before this save: how the sections were read (renamed, removed, added) is shown, so a lead can check it.</param>
    public static AdaptiveCard Saved(SquadSettings settings, string savedBy, string? next = null, SquadSettings? before = null)
    {
        var facts = new List<Fact>
        {
            new("Squad", settings.Name),
            new("Time zone", settings.TimeZoneId),
        };
        facts.AddRange(Enum.GetValues<CycleStep>().Select(s => new Fact(StepLabel(s), Describe(settings.Schedule.For(s)))));
        facts.Add(new Fact("Sections", string.Join(" · ", settings.Sections.Select(s => s.Title))));
        if (before is not null && SectionChanges(before, settings) is { Length: > 0 } changes)
        {
            facts.Add(new Fact("Section changes", changes));
        }

        facts.Add(new Fact("Carry forward", settings.Sections.Any(s => settings.CarriesForward(s.Id))
            ? string.Join(" · ", settings.Sections.Where(s => settings.CarriesForward(s.Id)).Select(s => s.Title))
            : "none"));
        facts.Add(new Fact("Publishing", PublishingText(settings.AutoPublish)));
        facts.Add(new Fact("Open weeknote", settings.PublishOpenly
            ? $"on, at /weeknotes/{settings.EffectiveOpenSlug}/ (public sections: {string.Join(" · ", settings.Sections.Where(s => settings.IsSectionPublic(s.Id)).Select(s => s.Title))})"
            : "off (only the team sees the weeknote)"));
        facts.Add(new Fact("Leads", settings.LeadIds.Count == 1 ? "1 person" : $"{settings.LeadIds.Count} people"));
        return new AdaptiveCard
        {
            FallbackText = SavedTitle,
            Body =
            [
                Title(SavedTitle),
                new FactSet(facts),
                .. next is null ? Array.Empty<CardElement>() : [new TextBlock(next) { Wrap = true }],
                Subtle($"Saved by {savedBy}. A lead can change this any time with @UpdateBot settings."),
            ],
        };
    }

    public static string StepLabel(CycleStep step) => step switch
    {
        CycleStep.Open => "Ask for updates",
        CycleStep.Remind => "Remind",
        CycleStep.Compile => "Compile the draft",
        CycleStep.Publish => "Publish",
        _ => step.ToString(),
    };

    public static string Describe(WeeklyTime at) =>
        $"{at.Day} {at.Time.ToString("HH:mm", CultureInfo.InvariantCulture)}";

    /// <summary>"Thursday 10:00" in the reader's language ("Dydd Iau 10:00").</summary>
    public static string Describe(WeeklyTime at, Localisation.Texts texts) =>
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
