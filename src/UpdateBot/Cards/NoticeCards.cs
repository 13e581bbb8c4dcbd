using UpdateBot.Localisation;
using UpdateBot.Teams.Cards;
using UpdateBot.Turns;
using static UpdateBot.Cards.CardParts;

namespace UpdateBot.Cards;

/// <summary>
/// A short message to a lead about something that went wrong and what to do about it, in that lead's language (each
/// lead's notice is sent on its own). What Teams recorded as the reason is quoted as it was stored.
/// </summary>
public static class NoticeCards
{
    /// <summary>Teams did not confirm the channel post: look, and send it again if it is not there.</summary>
    public static AdaptiveCard PostUnconfirmed(int edition, string? detail, Texts t) => Notice(
        t.Format("Notice.PostUnconfirmed.Title", edition),
        detail ?? t["Notice.PostUnconfirmed.What"],
        t.Format("Notice.PostUnconfirmed.ToDo", Commands.Word(CommandKind.SendAgain, t.Language)));

    /// <summary>Teams refused the channel post for good: fix the cause, then publish.</summary>
    public static AdaptiveCard PostRefused(int edition, string? detail, Texts t) => Notice(
        t.Format("Notice.PostRefused.Title", edition),
        detail ?? t["Notice.PostRefused.What"],
        t.Format("Notice.PostRefused.ToDo", Commands.Word(CommandKind.Settings, t.Language), Commands.Word(CommandKind.Publish, t.Language)));

    /// <summary>A lead left the team and lost lead rights (<paramref name="name"/> null when the roster has no name for them).</summary>
    public static AdaptiveCard LeadLeft(string? name, string squadName, Texts t)
    {
        var who = name ?? t["Notice.LeadLeft.Someone"];
        return Notice(
            t.Format("Notice.LeadLeft.Title", who, squadName),
            t.Format("Notice.LeadLeft.What", who),
            t.Format("Notice.LeadLeft.ToDo", Commands.Word(CommandKind.Settings, t.Language)));
    }

    private static AdaptiveCard Notice(string title, string what, string whatToDo) => new()
    {
        FallbackText = title,
        Body = [Title(title), Paragraph(what), Subtle(whatToDo)],
    };
}
