using System.Diagnostics.CodeAnalysis;

namespace UpdateBot.Turns;

/// <summary>The outcome of checking a card action before anything is done or remembered: admitted, or refused with the answer to give.</summary>
public sealed record CardAdmission(CardActionRequest? Request, CardActionResult? Refusal, string MetricVerb)
{
    [MemberNotNullWhen(true, nameof(Request))]
    [MemberNotNullWhen(false, nameof(Refusal))]
    public bool Admitted => Request is not null;

    public static CardAdmission Accept(CardActionRequest request) => new(request, null, request.Route.Verb);

    public static CardAdmission Refuse(CardActionResult refusal, CardRoute? route) => new(null, refusal, route?.Verb ?? "unknown");
}
