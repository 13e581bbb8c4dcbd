using System.Text.Json;
using UpdateBot.Cards;

namespace UpdateBot.Turns;

/// <summary>
/// One card verb, declared once: who may use it, which conversations it may come from, the record its data is read
/// into, and what it does (in the spirit of microsoft/teams.net's routes, without the framework).
/// </summary>
public sealed class CardRoute
{
    private readonly Func<JsonElement, ICardActionData> read;
    private readonly Func<CardActionHandler, CardActionRequest, CancellationToken, Task<CardActionResult>> run;

    private CardRoute(
        string verb,
        CardAudience audience,
        CardConversations from,
        Func<JsonElement, ICardActionData> read,
        Func<CardActionHandler, CardActionRequest, CancellationToken, Task<CardActionResult>> run)
    {
        Verb = verb;
        Audience = audience;
        From = from;
        this.read = read;
        this.run = run;
    }

    public string Verb { get; }

    public CardAudience Audience { get; }

    public CardConversations From { get; }

    public static CardRoute For<TData>(
        string verb,
        CardAudience audience,
        CardConversations from,
        Func<CardActionHandler, CardActionRequest, TData, CancellationToken, Task<CardActionResult>> handle)
        where TData : class, ICardActionData =>
        new(
            verb,
            audience,
            from,
            data => data.Deserialize<TData>(CardDataJson.Options) ?? throw new JsonException("The data is null."),
            (handler, request, cancellationToken) => handle(handler, request, (TData)request.Data, cancellationToken));

    /// <summary>The typed data, or why it cannot be read (missing, null or mistyped values; not an object).</summary>
    public (ICardActionData? Data, string? Problem) Read(JsonElement? data)
    {
        if (data is not { ValueKind: JsonValueKind.Object } element)
        {
            return (null, "the card sent no data");
        }

        try
        {
            return (read(element), null);
        }
        catch (JsonException exception)
        {
            return (null, exception.Path is { Length: > 1 } path ? $"{path[2..]} is missing or not what the card should send" : "its data is not what the card should send");
        }
    }

    public Task<CardActionResult> RunAsync(CardActionHandler handler, CardActionRequest request, CancellationToken cancellationToken) =>
        run(handler, request, cancellationToken);
}
