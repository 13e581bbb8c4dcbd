using UpdateBot.Cards;
using UpdateBot.Storage;

namespace UpdateBot.Turns;

/// <summary>A card action that passed its route's checks: who, from where, about which squad, with its typed data.</summary>
public sealed record CardActionRequest(Turn Turn, CardRoute Route, Squad Squad, ICardActionData Data);
