using System.Globalization;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace UpdateBot.EndToEnd.Tests.Driver;

/// <summary>
/// Drives the Microsoft 365 Agents Playground with no browser: acts as the Teams user over its HTTP API
/// (messages, card submits, invokes, custom activities such as installs) and reads what the bot did from its two
/// websockets: the conversation stream (messages the bot created/updated) and the traffic log (every request to
/// the bot and the bot's answer). Connect before sending anything: both streams buffer until a client connects.
/// </summary>
public sealed class PlaygroundDriver : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly HttpClient http;
    private readonly EventLog<PlaygroundMessage> messages = new();
    private readonly EventLog<PlaygroundTrafficEntry> traffic = new();
    private readonly CancellationTokenSource stopping = new();
    private readonly List<(ClientWebSocket Socket, Task Loop)> streams = [];
    private PlaygroundConfig? config;

    private PlaygroundDriver(Uri baseAddress)
    {
        BaseAddress = baseAddress;
        http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    public Uri BaseAddress { get; }

    /// <summary>Default wait for bot output. Generous: CI machines are slow, and a pass never waits this long.</summary>
    public TimeSpan DefaultTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Extra text for failure messages (the fixture plugs in the bot's log and the Playground's log).</summary>
    public Func<string>? FailureContext { get; set; }

    /// <summary>Everything the bot posted or updated so far, in order.</summary>
    public IReadOnlyList<PlaygroundMessage> Messages => messages.Snapshot();

    /// <summary>Every request the Playground sent to the bot (and other traffic it logged), in order.</summary>
    public IReadOnlyList<PlaygroundTrafficEntry> Traffic => traffic.Snapshot();

    /// <summary>Index of the next message event; pass it as <c>after</c> to wait only for newer messages.</summary>
    public int MessagePosition => messages.Count;

    /// <summary>Index of the next traffic-log entry; pass it as <c>after</c> to wait only for newer traffic.</summary>
    public int TrafficPosition => traffic.Count;

    public static async Task<PlaygroundDriver> ConnectAsync(Uri baseAddress, CancellationToken cancellationToken = default)
    {
        var driver = new PlaygroundDriver(baseAddress);
        try
        {
            await driver.OpenStreamAsync("/_ws_conversation/v1/conversations/stream", driver.OnConversationEvent, driver.messages, cancellationToken);
            await driver.OpenStreamAsync("/_ws/log/stream", driver.OnLogEvent, driver.traffic, cancellationToken);
            return driver;
        }
        catch
        {
            await driver.DisposeAsync();
            throw;
        }
    }

    // ---------------------------------------------------------------- the mock tenant

    /// <summary>The mock tenant (<c>GET /_internal/v1/testConfig</c>, which answers at once; cached).</summary>
    public async Task<PlaygroundConfig> GetConfigAsync(CancellationToken cancellationToken = default)
    {
        if (config is not null)
        {
            return config;
        }

        using var response = await http.GetAsync(new Uri("/_internal/v1/testConfig", UriKind.Relative), cancellationToken);
        var body = await ReadJsonAsync(response, "GET /_internal/v1/testConfig", cancellationToken);
        var c = body.GetProperty("config");
        config = new PlaygroundConfig(
            c.GetProperty("tenantId").GetString()!,
            Account(c.GetProperty("bot")),
            Account(c.GetProperty("currentUser")),
            [.. c.GetProperty("users").EnumerateArray().Select(Account)],
            c.GetProperty("personalChat").GetProperty("id").GetString()!,
            [.. c.GetProperty("groupChats").EnumerateArray().Select(g => new PlaygroundGroupChat(
                g.GetProperty("id").GetString()!, Str(g, "name") ?? string.Empty, Strings(g, "members")))],
            [.. c.GetProperty("teams").EnumerateArray().Select(t => new PlaygroundTeam(
                t.GetProperty("id").GetString()!,
                Str(t, "name") ?? string.Empty,
                Str(t, "aadGroupId"),
                [.. t.GetProperty("channels").EnumerateArray().Select(ch => new PlaygroundChannel(ch.GetProperty("id").GetString()!, Str(ch, "name") ?? string.Empty))],
                Strings(t, "members")))],
            body.Clone());
        return config;
    }

    // ---------------------------------------------------------------- installs and other events

    /// <summary>
    /// Sends a Playground custom activity (<c>install</c>, <c>uninstall</c>, <c>userAdded</c>, <c>userRemoved</c>,
    /// <c>botAdded</c>, <c>botRemoved</c>, <c>channelCreated</c>, …; null for the base template) for
    /// <paramref name="conversationId"/>, after letting <paramref name="mutate"/> edit the template. The Playground
    /// forwards the body verbatim to the bot. Returns the activity that was sent.
    /// </summary>
    public async Task<JsonObject> SendCustomActivityAsync(
        string? type, string conversationId, Action<JsonObject>? mutate = null, CancellationToken cancellationToken = default)
    {
        var query = "conversationId=" + Uri.EscapeDataString(conversationId) + (type is null ? string.Empty : "&type=" + Uri.EscapeDataString(type));
        using var templateResponse = await http.GetAsync(new Uri("/_internal/v1/customActivities/template?" + query, UriKind.Relative), cancellationToken);
        var template = await ReadJsonAsync(templateResponse, $"GET custom activity template {type}", cancellationToken);
        var activity = JsonNode.Parse(template.GetRawText())!.AsObject();
        mutate?.Invoke(activity);
        await PostAsync("/_internal/v1/customActivities", activity, $"POST custom activity {type}", cancellationToken);
        return activity;
    }

    /// <summary>Installs the app in the team (<c>installationUpdate</c> add; selected channel = <paramref name="channelId"/> or General).</summary>
    public async Task<JsonObject> InstallInTeamAsync(string? channelId = null, CancellationToken cancellationToken = default)
    {
        var tenant = await GetConfigAsync(cancellationToken);
        return await SendCustomActivityAsync("install", channelId ?? tenant.Team.Id, cancellationToken: cancellationToken);
    }

    /// <summary>
    /// Installs the app for the current user in the personal chat, as the web UI does on page load: an
    /// <c>installationUpdate</c> add, then a <c>conversationUpdate</c> with the user and the bot in <c>membersAdded</c>.
    /// </summary>
    public async Task InstallPersonalAsync(bool includeMembersAdded = true, CancellationToken cancellationToken = default)
    {
        var tenant = await GetConfigAsync(cancellationToken);
        await SendCustomActivityAsync("install", tenant.PersonalChatId, cancellationToken: cancellationToken);
        if (includeMembersAdded)
        {
            await SendCustomActivityAsync(null, tenant.PersonalChatId, activity =>
            {
                activity["type"] = "conversationUpdate";
                activity.Remove("action");
                activity["membersAdded"] = new JsonArray(
                    new JsonObject { ["id"] = tenant.CurrentUser.Id, ["name"] = tenant.CurrentUser.Name },
                    new JsonObject { ["id"] = tenant.Bot.Id, ["name"] = tenant.Bot.Name });
            }, cancellationToken);
        }
    }

    // ---------------------------------------------------------------- user messages

    /// <summary>The current user (or <paramref name="fromUserId"/>) writes in the 1:1 chat with the bot.</summary>
    public async Task<PostedMessage> SendPersonalMessageAsync(string text, string? fromUserId = null, CancellationToken cancellationToken = default)
    {
        var tenant = await GetConfigAsync(cancellationToken);
        return await SendMessageAsync(tenant.PersonalChatId, text, mentionBot: false, fromUserId, cancellationToken);
    }

    /// <summary>
    /// Starts a new post in a team channel (General unless <paramref name="channelId"/>; pass a
    /// <c>team;messageid=N</c> id to reply in a thread). The Playground forwards it only when the bot is mentioned.
    /// </summary>
    public async Task<PostedMessage> SendChannelMessageAsync(
        string text, bool mentionBot = true, string? channelId = null, string? fromUserId = null, CancellationToken cancellationToken = default)
    {
        var tenant = await GetConfigAsync(cancellationToken);
        return await SendMessageAsync(channelId ?? tenant.Team.Id, text, mentionBot, fromUserId, cancellationToken);
    }

    /// <summary>Writes in the group chat (forwarded only when the bot is mentioned).</summary>
    public async Task<PostedMessage> SendGroupChatMessageAsync(
        string text, bool mentionBot = true, string? fromUserId = null, CancellationToken cancellationToken = default)
    {
        var tenant = await GetConfigAsync(cancellationToken);
        return await SendMessageAsync(tenant.GroupChat.Id, text, mentionBot, fromUserId ?? tenant.GroupChat.Members[0], cancellationToken);
    }

    /// <summary>Posts a user message to any conversation the Playground knows.</summary>
    public async Task<PostedMessage> SendMessageAsync(
        string conversationId, string text, bool mentionBot, string? fromUserId = null, CancellationToken cancellationToken = default)
    {
        var tenant = await GetConfigAsync(cancellationToken);
        var body = new JsonObject
        {
            ["from"] = new JsonObject { ["id"] = fromUserId ?? tenant.CurrentUser.Id },
            ["textFormat"] = "plain",
        };
        if (mentionBot)
        {
            var at = $"<at>{tenant.Bot.Name}</at>";
            body["text"] = $"{at} {text}";
            body["mentions"] = new JsonArray(new JsonObject
            {
                ["mentioned"] = new JsonObject { ["id"] = tenant.Bot.Id, ["name"] = tenant.Bot.Name },
                ["text"] = at,
            });
        }
        else
        {
            body["text"] = text;
        }

        var answer = await PostAsync(
            $"/_conversation/v1/conversations/{Uri.EscapeDataString(conversationId)}/messages", body, $"POST message to {conversationId}", cancellationToken);
        return new PostedMessage(conversationId, IdString(answer, "messageId")!, Str(answer, "postConversationId"));
    }

    // ---------------------------------------------------------------- card actions

    /// <summary>
    /// Clicks an <c>Action.Submit</c> on the card in message <paramref name="replyToId"/>: the bot gets a
    /// <c>message</c> with <c>value</c> (data merged with inputs) and no text (docs/protocol.md, "Action.Submit").
    /// For a channel post use the thread id (<see cref="PlaygroundMessage.ThreadConversationId"/>).
    /// </summary>
    public async Task SubmitAsync(
        string conversationId, string replyToId, object value, string? fromUserId = null, CancellationToken cancellationToken = default)
    {
        var tenant = await GetConfigAsync(cancellationToken);
        var body = new JsonObject
        {
            ["conversation"] = new JsonObject { ["id"] = conversationId },
            ["from"] = new JsonObject { ["id"] = fromUserId ?? tenant.CurrentUser.Id },
            ["replyToId"] = replyToId,
            ["value"] = ToNode(value),
        };
        await PostAsync("/_conversation/v1/submit", body, "POST submit", cancellationToken);
    }

    /// <summary>
    /// Sends an invoke (e.g. <c>adaptiveCard/action</c>, <c>message/submitAction</c>) and returns the bot's invoke
    /// response body as the Playground relays it (<c>ValueKind == Undefined</c> when empty).
    /// </summary>
    public async Task<JsonElement> InvokeAsync(
        string conversationId, string replyToId, string name, object value, string? fromUserId = null, CancellationToken cancellationToken = default)
    {
        var tenant = await GetConfigAsync(cancellationToken);
        var body = new JsonObject
        {
            ["name"] = name,
            ["conversation"] = new JsonObject { ["id"] = conversationId },
            ["from"] = new JsonObject { ["id"] = fromUserId ?? tenant.CurrentUser.Id },
            ["replyToId"] = replyToId,
            ["value"] = ToNode(value),
        };
        return await PostAsync("/_conversation/v1/invoke", body, $"POST invoke {name}", cancellationToken);
    }

    /// <summary>Clicks an <c>Action.Execute</c> (<c>adaptiveCard/action</c> invoke, docs/protocol.md, "Universal Actions"); returns the invoke response.</summary>
    public Task<JsonElement> ExecuteAsync(
        string conversationId, string replyToId, string verb, object? data = null, string? fromUserId = null, CancellationToken cancellationToken = default) =>
        InvokeAsync(conversationId, replyToId, "adaptiveCard/action", new JsonObject
        {
            ["action"] = new JsonObject { ["type"] = "Action.Execute", ["verb"] = verb, ["data"] = ToNode(data ?? new JsonObject()) },
            ["trigger"] = "manual",
        }, fromUserId, cancellationToken);

    // ---------------------------------------------------------------- waiting for the bot

    /// <summary>The first bot message event (index &gt;= <paramref name="after"/>) matching <paramref name="predicate"/>.</summary>
    public Task<PlaygroundMessage> WaitForMessageAsync(
        Func<PlaygroundMessage, bool> predicate, TimeSpan? timeout = null, int after = 0, string? expectation = null, CancellationToken cancellationToken = default)
    {
        var wait = timeout ?? DefaultTimeout;
        return messages.WaitAsync(predicate, after, wait, () => DescribeFailure(expectation ?? "the expected bot message", wait), cancellationToken);
    }

    /// <summary>
    /// The first bot message (created or updated) carrying an Adaptive Card titled <paramref name="title"/>
    /// (first TextBlock or fallbackText), optionally in <paramref name="channelOrChatId"/> (thread suffix ignored).
    /// </summary>
    public async Task<(PlaygroundMessage Message, JsonElement Card)> WaitForCardAsync(
        string title, string? channelOrChatId = null, TimeSpan? timeout = null, int after = 0, string? expectation = null, CancellationToken cancellationToken = default)
    {
        var where = channelOrChatId is null ? string.Empty : $" in {channelOrChatId}";
        expectation = expectation is null ? $"an Adaptive Card titled \"{title}\"{where}" : $"{expectation} (an Adaptive Card titled \"{title}\"{where})";
        var message = await WaitForMessageAsync(
            m => (channelOrChatId is null || m.ChannelOrChatId == channelOrChatId.Split(';')[0]) && m.AdaptiveCards.Any(c => CardText.HasTitle(c, title)),
            timeout, after, expectation, cancellationToken);
        return (message, message.AdaptiveCards.First(c => CardText.HasTitle(c, title)));
    }

    /// <summary>The first traffic-log entry (index &gt;= <paramref name="after"/>) matching <paramref name="predicate"/>.</summary>
    public Task<PlaygroundTrafficEntry> WaitForTrafficAsync(
        Func<PlaygroundTrafficEntry, bool> predicate, TimeSpan? timeout = null, int after = 0, string? expectation = null, CancellationToken cancellationToken = default)
    {
        var wait = timeout ?? DefaultTimeout;
        return traffic.WaitAsync(predicate, after, wait, () => DescribeFailure(expectation ?? "the expected traffic-log entry", wait), cancellationToken);
    }

    /// <summary>A human summary of everything seen so far, for assertion messages.</summary>
    public string Describe()
    {
        var text = new StringBuilder();
        var seen = Messages;
        text.Append(CultureInfo.InvariantCulture, $"Bot messages seen ({seen.Count}):\n");
        foreach (var m in seen.TakeLast(20))
        {
            text.Append("  ").Append(m).Append('\n');
        }

        var log = Traffic;
        text.Append(CultureInfo.InvariantCulture, $"Playground traffic log ({log.Count} entries):\n");
        foreach (var entry in log.TakeLast(20))
        {
            text.Append("  ").Append(entry).Append('\n');
        }

        return text.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        foreach (var (socket, loop) in streams)
        {
            socket.Abort();
            try
            {
                await loop;
            }
            catch (Exception e) when (e is OperationCanceledException or WebSocketException)
            {
            }

            socket.Dispose();
        }

        stopping.Dispose();
        http.Dispose();
    }

    private string DescribeFailure(string expectation, TimeSpan timeout)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Timed out after {timeout.TotalSeconds:0} s waiting for {expectation}.\n");
        var rejected = Traffic.Where(e => e.IsToBot && e.StatusCode is < 200 or >= 300).ToList();
        if (rejected.Count > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"The bot answered {rejected.Count} request(s) with an error status, e.g. {rejected[0]}\n");
        }

        text.Append(Describe());
        if (FailureContext is not null)
        {
            text.Append(FailureContext());
        }

        return text.ToString();
    }

    // ---------------------------------------------------------------- plumbing

    private async Task OpenStreamAsync<T>(string path, Action<JsonElement> onEvent, EventLog<T> log, CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        var uri = new UriBuilder(BaseAddress) { Scheme = "ws", Path = path }.Uri;
        await socket.ConnectAsync(uri, cancellationToken);
        streams.Add((socket, Task.Run(() => ReadLoopAsync(socket, onEvent, log, stopping.Token), CancellationToken.None)));
    }

    private static async Task ReadLoopAsync<T>(ClientWebSocket socket, Action<JsonElement> onEvent, EventLog<T> log, CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        using var frame = new MemoryStream();
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var result = await socket.ReceiveAsync(buffer, cancellationToken);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    log.Fail(new InvalidOperationException($"websocket closed by the Playground ({result.CloseStatus})"));
                    return;
                }

                frame.Write(buffer, 0, result.Count);
                if (!result.EndOfMessage)
                {
                    continue;
                }

                var bytes = frame.ToArray();
                frame.SetLength(0);
                try
                {
                    using var document = JsonDocument.Parse(bytes);
                    onEvent(document.RootElement.Clone());
                }
                catch (JsonException)
                {
                    // Not JSON: nothing we understand; the traffic log still has it.
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (WebSocketException e)
        {
            log.Fail(e);
        }
    }

    private void OnConversationEvent(JsonElement e)
    {
        var action = Str(e, "action") ?? "unknown";
        var message = e.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.Object ? m : default;
        var attachments = new List<PlaygroundAttachment>();
        if (message.ValueKind == JsonValueKind.Object && message.TryGetProperty("attachments", out var list) && list.ValueKind == JsonValueKind.Array)
        {
            foreach (var a in list.EnumerateArray())
            {
                var content = a.TryGetProperty("content", out var c) ? c : (JsonElement?)null;
                if (content is { ValueKind: JsonValueKind.String } s && Str(a, "contentType") == PlaygroundMessage.AdaptiveCardContentType)
                {
                    // Some senders serialise the card as a string; normalise to JSON.
                    using var parsed = JsonDocument.Parse(s.GetString()!);
                    content = parsed.RootElement.Clone();
                }

                attachments.Add(new PlaygroundAttachment(Str(a, "contentType") ?? string.Empty, content));
            }
        }

        var isMessage = message.ValueKind == JsonValueKind.Object;
        messages.Add(sequence => new PlaygroundMessage(
            sequence,
            action,
            Str(e, "actionConversationId") ?? Str(e, "conversationId") ?? string.Empty,
            isMessage ? IdString(message, "messageId") ?? IdString(message, "id") : null,
            isMessage && message.TryGetProperty("from", out var from) ? Str(from, "id") : null,
            isMessage ? Str(message, "text") : null,
            isMessage ? Str(message, "postConversationId") : null,
            attachments,
            e));
    }

    private void OnLogEvent(JsonElement e)
    {
        if (!e.TryGetProperty("log", out var log) || log.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        JsonElement? requestBody = log.TryGetProperty("request", out var request) && request.ValueKind == JsonValueKind.Object && request.TryGetProperty("body", out var rb) ? rb : null;
        int? status = null;
        JsonElement? responseBody = null;
        if (log.TryGetProperty("response", out var response) && response.ValueKind == JsonValueKind.Object)
        {
            if (response.TryGetProperty("statusCode", out var sc) && sc.TryGetInt32(out var code))
            {
                status = code;
            }

            responseBody = response.TryGetProperty("body", out var body) ? body : null;
        }

        traffic.Add(sequence => new PlaygroundTrafficEntry(
            sequence, Str(log, "conversationId"), Str(log, "activityName"), Str(log, "from"), Str(log, "to"), requestBody, status, responseBody, e));
    }

    private async Task<JsonElement> PostAsync(string path, JsonNode body, string what, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsJsonAsync(new Uri(path, UriKind.Relative), body, Json, cancellationToken);
        return await ReadJsonAsync(response, what, cancellationToken);
    }

    private static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"Playground {what} answered {(int)response.StatusCode} {response.StatusCode}: {text}", null, response.StatusCode);
        }

        if (string.IsNullOrWhiteSpace(text))
        {
            return default;
        }

        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    private static JsonNode ToNode(object value) => value switch
    {
        JsonNode node => node.DeepClone(),
        JsonElement element => JsonNode.Parse(element.GetRawText())!,
        _ => JsonSerializer.SerializeToNode(value, value.GetType(), Json)!,
    };

    private static PlaygroundAccount Account(JsonElement e) => new(e.GetProperty("id").GetString()!, Str(e, "name"));

    private static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    /// <summary>Ids the Playground sends as numbers in some places and strings in others.</summary>
    private static string? IdString(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v)
            ? v.ValueKind switch
            {
                JsonValueKind.String => v.GetString(),
                JsonValueKind.Number => v.GetRawText(),
                _ => null,
            }
            : null;

    private static IReadOnlyList<string> Strings(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array ? [.. v.EnumerateArray().Select(x => x.GetString() ?? string.Empty)] : [];
}
