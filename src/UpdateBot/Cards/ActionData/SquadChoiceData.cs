namespace UpdateBot.Cards;

/// <summary>
/// <see cref="Verbs.SquadChoose"/>: which squad a message waiting for a choice is for (<paramref name="SquadId"/>, or all
/// the person's squads when <paramref name="All"/>), and the token of that message.
/// </summary>
public sealed record SquadChoiceData(string SquadId, string Token, bool All) : ICardActionData;
