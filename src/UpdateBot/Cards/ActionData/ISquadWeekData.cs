using UpdateBot.Domain;

namespace UpdateBot.Cards;

/// <summary>Card action data about one squad-week (every verb but the setup card's).</summary>
public interface ISquadWeekData : ICardActionData
{
    IsoWeek Week { get; }
}
