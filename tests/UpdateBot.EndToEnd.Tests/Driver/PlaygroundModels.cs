using System.Text.Json;

namespace UpdateBot.EndToEnd.Tests.Driver;

public sealed record PlaygroundAccount(string Id, string? Name);

public sealed record PlaygroundChannel(string Id, string Name);

public sealed record PlaygroundTeam(string Id, string Name, string? AadGroupId, IReadOnlyList<PlaygroundChannel> Channels, IReadOnlyList<string> Members);

public sealed record PlaygroundGroupChat(string Id, string Name, IReadOnlyList<string> Members);

/// <summary>The mock tenant as the Playground reports it (<c>GET /_internal/v1/testConfig</c>).</summary>
public sealed record PlaygroundConfig(
    string TenantId,
    PlaygroundAccount Bot,
    PlaygroundAccount CurrentUser,
    IReadOnlyList<PlaygroundAccount> Users,
    string PersonalChatId,
    IReadOnlyList<PlaygroundGroupChat> GroupChats,
    IReadOnlyList<PlaygroundTeam> Teams,
    JsonElement Raw)
{
    public PlaygroundTeam Team => Teams[0];

    public PlaygroundGroupChat GroupChat => GroupChats[0];

    /// <summary>The General channel (its id is the team id).</summary>
    public PlaygroundChannel GeneralChannel => Team.Channels.First(c => c.Id == Team.Id);
}

/// <summary>What the Playground answered to a posted user message.</summary>
public sealed record PostedMessage(string ConversationId, string MessageId, string? PostConversationId)
{
    /// <summary>The conversation a reply or card action targets: the thread for channel posts, else the chat.</summary>
    public string ThreadConversationId => PostConversationId ?? ConversationId;
}

/// <summary>
/// One event from the conversation stream (<c>/_ws_conversation/v1/conversations/stream</c>): a message the bot
/// created or updated (<see cref="Action"/> <c>createMessage</c> / <c>updateMessage</c>), or <c>typing</c>.
/// </summary>
public sealed record PlaygroundMessage(
    int Sequence,
    string Action,
    string ConversationId,
    string? MessageId,
    string? FromId,
    string? Text,
    string? PostConversationId,
    IReadOnlyList<PlaygroundAttachment> Attachments,
    JsonElement Raw)
{
    public const string AdaptiveCardContentType = "application/vnd.microsoft.card.adaptive";

    public bool IsCreate => Action == "createMessage";

    public bool IsUpdate => Action == "updateMessage";

    /// <summary>The channel or chat id without any <c>;messageid=</c> thread suffix.</summary>
    public string ChannelOrChatId => ConversationId.Split(';')[0];

    /// <summary>Where a card action on this message must be sent (the post's thread for a channel post).</summary>
    public string ThreadConversationId => PostConversationId ?? ConversationId;

    public IEnumerable<JsonElement> AdaptiveCards =>
        Attachments.Where(a => a.ContentType == AdaptiveCardContentType && a.Content is not null).Select(a => a.Content!.Value);

    public override string ToString()
    {
        var cards = string.Join(", ", AdaptiveCards.Select(c => $"card \"{CardText.Title(c)}\""));
        return $"#{Sequence} {Action} in {ConversationId} id={MessageId} from={FromId} text=\"{Truncate(Text, 120)}\" {cards}";
    }

    internal static string? Truncate(string? s, int max) => s is null || s.Length <= max ? s : s[..max] + "…";
}

public sealed record PlaygroundAttachment(string ContentType, JsonElement? Content);

/// <summary>One entry of the Playground's traffic log (<c>/_ws/log/stream</c>): a request and the response it got.</summary>
public sealed record PlaygroundTrafficEntry(
    int Sequence,
    string? ConversationId,
    string? ActivityName,
    string? From,
    string? To,
    JsonElement? RequestBody,
    int? StatusCode,
    JsonElement? ResponseBody,
    JsonElement Raw)
{
    /// <summary>The Playground's name for the bot in <see cref="To"/>/<see cref="From"/>.</summary>
    public const string BotParty = "User Application";

    public bool IsToBot => To == BotParty;

    public string? ActivityType => RequestBody is { ValueKind: JsonValueKind.Object } body && body.TryGetProperty("type", out var t) ? t.GetString() : null;

    public string? ActivityText => RequestBody is { ValueKind: JsonValueKind.Object } body && body.TryGetProperty("text", out var t) ? t.GetString() : null;

    public override string ToString() =>
        $"#{Sequence} {From} -> {To}: {ActivityName ?? ActivityType} in {ConversationId} " +
        $"text=\"{PlaygroundMessage.Truncate(ActivityText, 80)}\" => {StatusCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"} " +
        $"{PlaygroundMessage.Truncate(ResponseBody?.GetRawText(), 200)}";
}
