using UpdateBot.Storage;
using UpdateBot.Localisation;
using UpdateBot.Teams.Cards;
using static UpdateBot.Cards.CardParts;

namespace UpdateBot.Cards;

/// <summary>
/// For a person in several squads: which squad a message is for, in one tap. The message waits in storage under the
/// card's token (<see cref="PeopleStore"/>), so the tap works on any instance and only once.
/// </summary>
public static class SquadChoiceCards
{
    public const string ChoiceTitle = "Which squad is this for?";
    public const string AllMySquads = "All my squads";

    /// <param name="what">What is waiting: the command, or the start of the typed answer.</param>
    /// <param name="offerAll">Adds "All my squads" (stop, start, away and back can apply to every squad at once).</param>
    public static AdaptiveCard Choose(string what, IReadOnlyList<Squad> squads, string token, bool offerAll, Texts? texts = null)
    {
        var t = texts ?? Texts.English;
        var actions = squads.Select(s => (CardAction)Action(s.Settings.Name, Verbs.SquadChoose, new SquadChoiceData(s.Id, token, All: false))).ToList();
        if (offerAll)
        {
            actions.Add(Action(t["Choice.All"], Verbs.SquadChoose, new SquadChoiceData(squads[0].Id, token, All: true)));
        }

        return new AdaptiveCard
        {
            FallbackText = t["Choice.Title"],
            Body =
            [
                Title(t["Choice.Title"]),
                Paragraph(t.Format("Choice.Pick", squads.Count, what)),
                Actions([.. actions]),
                Subtle(t.Format("Choice.NextTime", Turns.Commands.Word(Turns.CommandKind.Status, t.Language), squads[0].Settings.Name)),
            ],
        };
    }

    /// <summary>What the choice card becomes once tapped.</summary>
    public static AdaptiveCard Chosen(string? squadName, string what, Texts? texts = null)
    {
        var t = texts ?? Texts.English;
        return new AdaptiveCard
        {
            FallbackText = t["Choice.Title"],
            Body = [Subtle(t.Format("Choice.For", squadName ?? t["Choice.AllYours"], what))],
        };
    }

    /// <summary>The message as the choice card quotes it: short, on one line.</summary>
    public static string Quote(string text)
    {
        var line = string.Join(' ', text.Split((char[])['\n', '\r'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        return line.Length <= 80 ? $"\"{line}\"" : $"\"{line[..(char.IsHighSurrogate(line[76]) ? 76 : 77)]}…\"";
    }
}
