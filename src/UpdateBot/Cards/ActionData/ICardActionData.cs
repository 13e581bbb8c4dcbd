namespace UpdateBot.Cards;

/// <summary>What every card action carries: the squad it is about. Who acts is never read from here (it comes from the activity).</summary>
public interface ICardActionData
{
    string SquadId { get; }
}
