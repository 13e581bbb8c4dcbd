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
        body.Add(new ToggleInput("Publish automatically at the publish time, without waiting for a lead's review")
        {
            Id = Inputs.AutoPublish,
            Value = (typed?.AutoPublish ?? settings.AutoPublish) ? "true" : "false",
            ValueOn = "true",
            ValueOff = "false",
        });
        body.Add(LeadsInput(settings.LeadIds, roster ?? [], typedLeads));
        body.Add(Subtle("The weeknote is posted in this channel."));
        body.Add(Actions(Action("Save settings", Verbs.SetupSave, new SetupSaveData(squad.Id))));
        return new AdaptiveCard { FallbackText = SetupTitle, Body = body };
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

    /// <param name="next">When the next step runs (and which run now because the new schedule put them in the past).</param>
    public static AdaptiveCard Saved(SquadSettings settings, string savedBy, string? next = null)
    {
        var facts = new List<Fact>
        {
            new("Squad", settings.Name),
            new("Time zone", settings.TimeZoneId),
        };
        facts.AddRange(Enum.GetValues<CycleStep>().Select(s => new Fact(StepLabel(s), Describe(settings.Schedule.For(s)))));
        facts.Add(new Fact("Sections", string.Join(" · ", settings.Sections.Select(s => s.Title))));
        facts.Add(new Fact("Publishing", settings.AutoPublish ? "automatic at the publish time" : "after a lead reviews it"));
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
