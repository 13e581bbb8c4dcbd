namespace UpdateBot.Teams.Hosting;

/// <summary>
/// What a turn answers over HTTP, ready to write: the invoke response's status and its JSON body, serialised once.
/// Null from a turn means "200 with no body". The de-duplication window keeps these bytes for redeliveries.
/// </summary>
public sealed record TurnAnswer(int Status, byte[]? Json);
