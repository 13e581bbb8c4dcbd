using UpdateBot.Domain;
using UpdateBot.Localisation;
using UpdateBot.Teams.Cards;
using UpdateBot.Turns;
using static UpdateBot.Cards.CardParts;

namespace UpdateBot.Cards;

/// <summary>The first card anyone sees, and the help card, in the reader's language (README, "Welsh and English").</summary>
public static class WelcomeCards
{
    public const string WelcomeTitle = "Welcome to UpdateBot";
    public const string HelpTitle = "UpdateBot help";

    /// <param name="texts">The language: the team's welcome is in the installer's (<see cref="Languages.ForTeam"/>: a channel has no one reader).</param>
    public static AdaptiveCard Welcome(bool inTeam, string? squadName, SquadSchedule? schedule = null, Texts? texts = null)
    {
        var t = texts ?? Texts.English;
        return new AdaptiveCard
        {
            FallbackText = t["Welcome.Title"],
            Body =
            [
                Title(t["Welcome.Title"]),
                Paragraph(inTeam
                    ? t.Format("Welcome.Team.Intro", squadName is null ? t["Welcome.ThisSquad"] : $"**{squadName}**")
                    : t["Welcome.Personal.Intro"]),
                new FactSet(WeekFacts(schedule ?? SquadSchedule.Default, t)) { Spacing = Spacing.Medium },
                Subtle(inTeam
                    ? t["Welcome.Team.Footer"]
                    : t.Format("Welcome.Personal.Footer", Commands.Word(CommandKind.Help, t.Language))),
            ],
        };
    }

    /// <summary>The week as this squad runs it (the defaults until the lead saves the setup card).</summary>
    private static List<Fact> WeekFacts(SquadSchedule schedule, Texts t) =>
    [
        new(SetupCards.Describe(schedule.Open, t), t["Welcome.Fact.Open"]),
        new(SetupCards.Describe(schedule.Remind, t), t["Welcome.Fact.Remind"]),
        new(SetupCards.Describe(schedule.Compile, t), t["Welcome.Fact.Compile"]),
        new(SetupCards.Describe(schedule.Publish, t), t["Welcome.Fact.Publish"]),
    ];

    /// <summary>The commands, with the words of the reader's language (either language's words work: <see cref="Commands"/>).</summary>
    public static AdaptiveCard Help(bool isLead, string? hint = null, Texts? texts = null)
    {
        var t = texts ?? Texts.English;
        string W(CommandKind kind) => Commands.Word(kind, t.Language);
        var facts = new List<Fact>
        {
            new(W(CommandKind.MyUpdate), t["Help.MyUpdate"]),
            new(W(CommandKind.Quiet), t["Help.Quiet"]),
            new(t.Format("Help.Away.Command", W(CommandKind.Away)), t["Help.Away"]),
            new(W(CommandKind.Back), t["Help.Back"]),
            new($"{W(CommandKind.Stop)} / {W(CommandKind.Start)}", t["Help.StopStart"]),
            new($"{W(CommandKind.MyData)} / {W(CommandKind.EraseMyData)}", t["Help.MyData"]),
            new(t.Format("Help.MyTimeZone.Command", W(CommandKind.MyTimeZone)), t["Help.MyTimeZone"]),
            new(t.Format("Help.PublicName.Command", W(CommandKind.PublicName)), t["Help.PublicName"]),
            new(t.Format("Help.Language.Command", W(CommandKind.Language)), t["Help.Language"]),
        };
        var leadFacts = new List<Fact>
        {
            new(W(CommandKind.Status), t["Help.Status"]),
            new($"{W(CommandKind.PromptNow)} / {W(CommandKind.RemindNow)}", t["Help.PromptRemind"]),
            new(W(CommandKind.SendAgain), t["Help.SendAgain"]),
            new(W(CommandKind.Preview), t["Help.Preview"]),
            new(W(CommandKind.Publish), t["Help.Publish"]),
            new(t.Format("Help.Export.Command", W(CommandKind.Export)), t["Help.Export"]),
            new(t.Format("Help.ExportPublic.Command", W(CommandKind.Export)), t["Help.ExportPublic"]),
            new(W(CommandKind.History), t["Help.History"]),
            new(W(CommandKind.Settings), t["Help.Settings"]),
            new(t.Format("Help.Glossary.Command", W(CommandKind.Glossary)), t.Format("Help.Glossary", W(CommandKind.Glossary))),
            new(t.Format("Help.Headings.Command", W(CommandKind.Headings)), t["Help.Headings"]),
        };
        var body = new List<CardElement>();
        if (hint is not null)
        {
            body.Add(new TextBlock(hint) { Weight = FontWeight.Bolder });
        }

        body.AddRange(
        [
            Title(t["Help.Title"]),
            Paragraph(t["Help.Intro"]),
            new FactSet(facts),
        ]);
        if (isLead)
        {
            body.Add(Heading(t["Help.ForLeads"]));
            body.Add(new FactSet(leadFacts));
        }
        else
        {
            CommandKind[] leadOnly = [CommandKind.Status, CommandKind.PromptNow, CommandKind.RemindNow, CommandKind.SendAgain, CommandKind.Preview, CommandKind.Publish, CommandKind.Export, CommandKind.History, CommandKind.Settings, CommandKind.Headings];
            var list = t.Format("Help.ListAnd", string.Join(", ", leadOnly.Select(W)), W(CommandKind.Glossary));
            body.Add(Subtle(t.Format("Help.LeadsAlso", list)));
        }

        body.Add(Subtle(t.Format("Help.ChannelMention", W(CommandKind.Help))));
        return new AdaptiveCard { FallbackText = t["Help.Title"], Body = body };
    }
}
