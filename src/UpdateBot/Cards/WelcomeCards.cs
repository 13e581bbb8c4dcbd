using UpdateBot.Domain;
using UpdateBot.Teams.Cards;
using static UpdateBot.Cards.CardParts;

namespace UpdateBot.Cards;

/// <summary>The first card anyone sees, and the help card.</summary>
public static class WelcomeCards
{
    public const string WelcomeTitle = "Welcome to UpdateBot";
    public const string HelpTitle = "UpdateBot help";

    public static AdaptiveCard Welcome(bool inTeam, string? squadName, SquadSchedule? schedule = null) => new()
    {
        FallbackText = WelcomeTitle,
        Body =
        [
            Title(WelcomeTitle),
            Paragraph(inTeam
                ? $"I run {(squadName is null ? "this squad" : $"**{squadName}**")}'s weekly update. Each week I ask everyone 1:1 for their highlights, gather the answers into a weeknote the lead reviews, and post it here for everyone to read."
                : "I run your squad's weekly update. Each week I'll ask you here for your highlights; answer by section, or just type. You can say \"quiet week\" or \"away until 12 Dec\" any time."),
            new FactSet(WeekFacts(schedule ?? SquadSchedule.Default)) { Spacing = Spacing.Medium },
            Subtle(inTeam
                ? "These are the defaults: the person who added me can change them in the setup card below. Type @UpdateBot help for commands."
                : "Type **help** to see what I can do."),
        ],
    };

    /// <summary>The week as this squad runs it (the defaults until the lead saves the setup card).</summary>
    private static List<Fact> WeekFacts(SquadSchedule schedule) =>
    [
        new(SetupCards.Describe(schedule.Open), "I ask each member 1:1 for their highlights"),
        new(SetupCards.Describe(schedule.Remind), "one gentle reminder to anyone who hasn't answered"),
        new(SetupCards.Describe(schedule.Compile), "the lead gets the draft weeknote to review"),
        new(SetupCards.Describe(schedule.Publish), "the weeknote is posted in the channel"),
    ];

    public static AdaptiveCard Help(bool isLead, string? hint = null)
    {
        var facts = new List<Fact>
        {
            new("my update", "show or edit this week's answer"),
            new("quiet", "nothing to report this week"),
            new("away until 12 Dec", "skip the weeks you're away"),
            new("back", "you're back: prompts resume"),
            new("stop / start", "opt out of or back into the weekly prompts"),
            new("my data / erase my data", "see or delete everything I hold about you"),
            new("my time zone Europe/Lisbon", "get your prompts at the squad's hour on your own clock (Teams usually tells me your zone)"),
            new("public name first / full / team", "how the open weeknote names you from now on (\"team\": a member of the team); add everywhere to change past ones too"),
        };
        var leadFacts = new List<Fact>
        {
            new("status", "who has answered, who is pending, who can't be reached and why"),
            new("prompt now / remind now", "send the prompts or the reminder now"),
            new("send again", "send once more what Teams did not confirm (status shows it)"),
            new("preview", "compile the draft weeknote for review"),
            new("publish", "post this week's weeknote to the channel"),
            new("export [2026-W47]", "the weeknote as Markdown for open publishing"),
            new("export public [2026-W47]", "the open weeknote's Markdown: only what may be public"),
            new("history", "recent editions"),
            new("settings", "change the squad's schedule, sections, leads, carry-forward sections and open weeknote"),
            new("glossary add ICB = integrated care board", "teach the review desk's plain-English check an acronym (glossary lists them, glossary remove ICB forgets one)"),
        };
        var body = new List<CardElement>();
        if (hint is not null)
        {
            body.Add(new TextBlock(hint) { Weight = FontWeight.Bolder });
        }

        body.AddRange(
        [
            Title(HelpTitle),
            Paragraph("Answer the weekly prompt card, or just type your highlights here while the week is open. These commands work in our 1:1 chat:"),
            new FactSet(facts),
        ]);
        if (isLead)
        {
            body.Add(Heading("For squad leads"));
            body.Add(new FactSet(leadFacts));
        }
        else
        {
            body.Add(Subtle("Squad leads also have status, prompt now, remind now, send again, preview, publish, export, history, settings and glossary."));
        }

        body.Add(Subtle("In the team channel, mention me: @UpdateBot help."));
        return new AdaptiveCard { FallbackText = HelpTitle, Body = body };
    }
}
