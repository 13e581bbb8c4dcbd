using UpdateBot.Domain;
using UpdateBot.Localisation;
using UpdateBot.Teams.Cards;
using static UpdateBot.Cards.CardParts;

namespace UpdateBot.Cards;

/// <summary>One member's standing this week, as the lead sees it.</summary>
public sealed record MemberWeekStatus(string Name, string State, string? Reason, string? WhatToDo);

/// <summary>The lead's view of who has answered, who is pending and who can't be reached, and why (README, "The weekly cycle": nobody is dropped silently).</summary>
public static class StatusCards
{
    public const string StatusTitle = "This week's status";

    /// <summary>How many people one fact set lists, so that a large squad can continue in further cards between them.</summary>
    private const int PeoplePerBlock = 25;

    /// <summary>
    /// The status, in as many cards as it needs: each measured as the activity Teams will store and kept within one
    /// message's budget (<see cref="CardJson.MaxMessageUtf16Bytes"/>; docs/protocol.md, "Card size").
    /// </summary>
    /// <param name="texts">The lead's language. <see cref="MemberWeekStatus.State"/> is a key ("Pending"); its name is in the language.</param>
    public static IReadOnlyList<AdaptiveCard> Status(string squadName, IsoWeek week, IReadOnlyList<MemberWeekStatus> members, string stepLine, int budget = CardJson.MaxMessageUtf16Bytes, Texts? texts = null)
    {
        var t = texts ?? Texts.English;
        string Name(string state) => t["Status.State." + state.Replace(" ", "", StringComparison.Ordinal)];
        var groups = members.GroupBy(m => m.State).OrderBy(g => Order(g.Key)).ToList();
        var counts = string.Join(" · ", groups.Select(g => $"{g.Count()} {Name(g.Key).ToLowerInvariant()}"));
        var title = t.Format("Status.Title", squadName);
        var header = new List<CardElement>
        {
            Title(title),
            Subtle($"{t.Format("Prompt.WeekLine", week, t.DateRange(week))} · {stepLine}"),
            Paragraph(members.Count == 0 ? t["Status.NobodyYet"] : counts),
        };
        var blocks = new List<CardElement>();
        foreach (var group in groups)
        {
            var chunks = group.Chunk(PeoplePerBlock).ToList();
            for (var i = 0; i < chunks.Count; i++)
            {
                blocks.Add(Heading(i == 0 ? Name(group.Key) : t.Format("Digest.Continued", Name(group.Key))));
                blocks.Add(new FactSet(chunks[i].Select(m => new Fact(m.Name, Describe(m))).ToList()));
            }
        }

        // A heading is never left alone at the end of a card: it travels with the facts that follow it.
        var pairs = blocks.Chunk(2).Select(pair => (CardElement)new Container([.. pair])).ToList();
        return DigestCards.Pack(header, pairs, _ => [Subtle(t.Format("Digest.Continued", title))], (body, _) => new AdaptiveCard { FallbackText = t["Status.Fallback"], Body = body }, budget);
    }

    private static string Describe(MemberWeekStatus member) =>
        string.Join(" ", new[] { member.Reason, member.WhatToDo is null ? null : "→ " + member.WhatToDo }.Where(s => !string.IsNullOrEmpty(s))) is { Length: > 0 } text
            ? text
            : "✓";

    private static int Order(string state) => state switch
    {
        "Unreachable" => 0,
        "Pending" => 1,
        "Answered" => 2,
        "Quiet" => 3,
        "Away" => 4,
        "Messages" => 5,
        "Questions" => 6,
        _ => 7,
    };
}
