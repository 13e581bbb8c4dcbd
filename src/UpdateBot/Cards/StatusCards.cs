using UpdateBot.Domain;
using UpdateBot.Teams.Cards;
using static UpdateBot.Cards.CardParts;

namespace UpdateBot.Cards;

/// <summary>One member's standing this week, as the lead sees it.</summary>
public sealed record MemberWeekStatus(string Name, string State, string? Reason, string? WhatToDo);

/// <summary>The lead's view of who has answered, who is pending and who can't be reached, and why (README, "The weekly cycle": nobody is dropped silently).</summary>
public static class StatusCards
{
    public const string StatusTitle = "This week's status";

    public static AdaptiveCard Status(string squadName, IsoWeek week, IReadOnlyList<MemberWeekStatus> members, string stepLine)
    {
        var groups = members.GroupBy(m => m.State).OrderBy(g => Order(g.Key));
        var counts = string.Join(" · ", groups.Select(g => $"{g.Count()} {g.Key.ToLowerInvariant()}"));
        var body = new List<CardElement>
        {
            Title($"{squadName}: {StatusTitle.ToLowerInvariant()}"),
            Subtle($"Week {week} · {DigestComposer.FormatDateRange(week)} · {stepLine}"),
            Paragraph(members.Count == 0 ? "Nobody on the roster yet. I read the roster from the team when prompts go out." : counts),
        };
        foreach (var group in groups)
        {
            body.Add(Heading(group.Key));
            body.Add(new FactSet(group.Select(m => new Fact(m.Name, Describe(m))).ToList()));
        }

        return new AdaptiveCard { FallbackText = StatusTitle, Body = body };
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
        _ => 6,
    };
}
