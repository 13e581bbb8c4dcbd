using System.Text.Json;
using System.Text.Json.Serialization;
using UpdateBot.Teams.Cards;

namespace UpdateBot.Teams.Schema;

/// <summary>The HTTP status and JSON body answering an invoke on the same POST (docs/protocol.md, "Invoke responses").</summary>
public sealed record InvokeResponse(int Status, object? Body)
{
    public static InvokeResponse Ok(object? body = null) => new(200, body);
}

/// <summary>The Universal Actions response envelope <c>{statusCode, type, value}</c> (docs/protocol.md, "Universal Actions").</summary>
public sealed record AdaptiveCardInvokeResponse
{
    public const string CardType = Attachment.AdaptiveCardContentType;
    public const string MessageType = "application/vnd.microsoft.activity.message";
    public const string ErrorType = "application/vnd.microsoft.error";

    public int StatusCode { get; init; } = 200;
    public required string Type { get; init; }
    public object? Value { get; init; }

    /// <summary>Replace the card in the invoking user's view.</summary>
    public static AdaptiveCardInvokeResponse Card(AdaptiveCard card) => new() { Type = CardType, Value = CardJson.ToElement(card) };

    /// <summary>Show a short message to the invoking user.</summary>
    public static AdaptiveCardInvokeResponse Message(string text) => new() { Type = MessageType, Value = text };

    public static AdaptiveCardInvokeResponse Error(int statusCode, string code, string message) =>
        new() { StatusCode = statusCode, Type = ErrorType, Value = new InvokeError(code, message) };

    public InvokeResponse ToInvokeResponse() => new(200, this);
}

public sealed record InvokeError(string Code, string Message);

/// <summary>The <c>value</c> of an <c>adaptiveCard/action</c> invoke.</summary>
public sealed record AdaptiveCardInvokeValue
{
    public AdaptiveCardInvokeAction? Action { get; init; }
    public string? Trigger { get; init; }
}

public sealed record AdaptiveCardInvokeAction
{
    public string? Type { get; init; }
    public string? Id { get; init; }
    public string? Verb { get; init; }
    public JsonElement? Data { get; init; }
}
