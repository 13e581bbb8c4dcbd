using UpdateBot.Teams.Cards;
using static UpdateBot.Cards.CardParts;

namespace UpdateBot.Cards;

/// <summary>A short message to a lead about something that went wrong and what to do about it.</summary>
public static class NoticeCards
{
    public static AdaptiveCard Notice(string title, string what, string whatToDo) => new()
    {
        FallbackText = title,
        Body = [Title(title), Paragraph(what), Subtle(whatToDo)],
    };
}
