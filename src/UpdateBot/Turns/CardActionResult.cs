using UpdateBot.Teams.Cards;

namespace UpdateBot.Turns;

/// <summary>What a card action produced: a card to show in place, and/or a short message; or a refusal.</summary>
public sealed record CardActionResult(AdaptiveCard? Card, string? Message, int StatusCode = 200, string? ErrorCode = null)
{
    public bool Succeeded => StatusCode == 200;

    public static CardActionResult Refused(string message) => new(null, message, 403, "Forbidden");

    public static CardActionResult BadRequest(string message) => new(null, message, 400, "BadRequest");
}
