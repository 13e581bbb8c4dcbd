using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace UpdateBot.Tests.Infrastructure;

/// <summary>One request the service made to the Bot Connector.</summary>
public sealed record RecordedRequest(string Host, HttpMethod Method, string Path, string Body, HttpStatusCode Status, DateTimeOffset At)
{
    public JsonNode? Json => Body.Length == 0 ? null : JsonNode.Parse(Body);

    public bool Succeeded => (int)Status is >= 200 and < 300;
}

/// <summary>What the fake connector answers for one user (their 1:1 chat and its creation).</summary>
public sealed record UserBehaviour(HttpStatusCode Status, string? ErrorCode = null, int Times = int.MaxValue, int RetryAfterSeconds = 0);

/// <summary>
/// A fake Bot Connector (protocol.md §5) at the HttpMessageHandler level: records every request, serves a team's paged
/// members, creates 1:1 chats and channel posts, accepts activities (returning ids), and answers 403 / 404 / 429 for
/// chosen users. Several service hosts can share one instance (they are told apart by <see cref="RecordedRequest.Host"/>).
/// </summary>
public sealed class FakeTeams
{
    public const string ServiceUrl = "http://127.0.0.1:3979/";
    public const string TenantId = "tenant-1";
    public const string BotId = "28:bot-app-id";

    private readonly ConcurrentQueue<RecordedRequest> requests = new();
    private readonly ConcurrentDictionary<string, List<(string Id, string Name)>> teams = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, UserBehaviour> behaviours = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> behaviourUses = new(StringComparer.Ordinal);
    private int nextId;
    private int activityAttempts;

    /// <summary>Members per page of <c>pagedmembers</c> (small, so that paging is exercised).</summary>
    public int PageSize { get; set; } = 2;

    /// <summary>
    /// After this many 1:1 activity POSTs, every further activity POST fails with <see cref="OutageStatus"/>
    /// (a connector outage in the middle of a fan-out). Null: no outage.
    /// </summary>
    public int? FailActivitiesAfter { get; set; }

    public HttpStatusCode OutageStatus { get; set; } = HttpStatusCode.ServiceUnavailable;

    /// <summary>When set, every <c>pagedmembers</c> page is answered 200 with this body verbatim (a broken or hostile answer).</summary>
    public string? MembersPageAnswer { get; set; }

    /// <summary>Users whose 1:1 activity POSTs are answered 201 with <c>{}</c>: taken, but without the activity id.</summary>
    public ConcurrentDictionary<string, bool> AcceptWithoutId { get; } = new(StringComparer.Ordinal);

    /// <summary>Called (before answering) for every 1:1 activity POST with its number (0, 1, …) among those that got this far.</summary>
    public Action<int>? OnActivityPost { get; set; }

    /// <summary>The clock requests are stamped with (the tests' FakeTimeProvider).</summary>
    public TimeProvider? Clock { get; set; }

    public IReadOnlyList<RecordedRequest> Requests => requests.ToList();

    /// <summary>Successful card POSTs into a member's 1:1 chat, with when and from which host.</summary>
    public IReadOnlyList<RecordedRequest> SendsTo(string userId) =>
        Requests.Where(r => r.Succeeded && r.Method == HttpMethod.Post && r.Path == $"/v3/conversations/{PersonalConversationId(userId)}/activities").ToList();

    public void SetTeam(string teamId, IEnumerable<(string Id, string Name)> members) => teams[teamId] = members.ToList();

    public void Behave(string userId, UserBehaviour behaviour)
    {
        behaviours[userId] = behaviour;
        behaviourUses[userId] = 0;
    }

    public void Clear() => requests.Clear();

    public static string PersonalConversationId(string userId) => "a:dm-" + userId;

    /// <summary>Card activities that reached a member's 1:1 chat (successful POSTs only).</summary>
    public IReadOnlyList<JsonNode> CardsSentTo(string userId, string? host = null) =>
        Requests.Where(r => r.Succeeded && r.Method == HttpMethod.Post && (host is null || r.Host == host)
                            && r.Path == $"/v3/conversations/{PersonalConversationId(userId)}/activities")
            .Select(r => r.Json!)
            .ToList();

    /// <summary>New channel posts (create-conversation with isGroup:true) that succeeded.</summary>
    public IReadOnlyList<RecordedRequest> ChannelPosts =>
        Requests.Where(r => r.Succeeded && r.Method == HttpMethod.Post && r.Path == "/v3/conversations" && r.Json?["isGroup"]?.GetValue<bool>() == true).ToList();

    public HttpMessageHandler HandlerFor(string host) => new Handler(this, host);

    /// <summary>The first Adaptive Card's JSON in an activity.</summary>
    public static JsonNode? Card(JsonNode? activity) => activity?["attachments"]?[0]?["content"];

    /// <summary>All the text an activity shows: every TextBlock text, fact, input value and action title in its cards.</summary>
    public static string Text(JsonNode? node)
    {
        var builder = new StringBuilder();
        Collect(node, builder);
        return builder.ToString();
    }

    private static void Collect(JsonNode? node, StringBuilder builder)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, value) in o)
                {
                    if (value is JsonValue v && v.TryGetValue<string>(out var s) && key is "text" or "title" or "value" or "label" or "fallbackText" or "placeholder")
                    {
                        builder.Append(s).Append('\n');
                    }
                    else
                    {
                        Collect(value, builder);
                    }
                }

                break;
            case JsonArray a:
                foreach (var item in a)
                {
                    Collect(item, builder);
                }

                break;
        }
    }

    private async Task<HttpResponseMessage> HandleAsync(string host, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
        var path = request.RequestUri!.AbsolutePath;
        var (status, json, retryAfter) = Route(request.Method, path, request.RequestUri.Query, body);
        cancellationToken.ThrowIfCancellationRequested();
        requests.Enqueue(new RecordedRequest(host, request.Method, Uri.UnescapeDataString(path), body, status, Clock?.GetUtcNow() ?? default));
        var response = new HttpResponseMessage(status)
        {
            RequestMessage = request,
            Content = new StringContent(json ?? "", Encoding.UTF8, "application/json"),
        };
        if (retryAfter > 0)
        {
            response.Headers.TryAddWithoutValidation("Retry-After", retryAfter.ToString(CultureInfo.InvariantCulture));
        }

        return response;
    }

    private (HttpStatusCode, string?, int) Route(HttpMethod method, string path, string query, string body)
    {
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString).ToArray();
        if (segments is not ["v3", "conversations", ..])
        {
            return (HttpStatusCode.NotFound, Error("NotFound", "No such route"), 0);
        }

        if (method == HttpMethod.Post && segments.Length == 2)
        {
            var parameters = JsonNode.Parse(body)!;
            if (parameters["isGroup"]?.GetValue<bool>() == true)
            {
                var channel = parameters["channelData"]?["channel"]?["id"]?.GetValue<string>() ?? "19:channel";
                var id = Next();
                return (HttpStatusCode.Created, Json(new { id = $"{channel};messageid={id}", activityId = id }), 0);
            }

            var userId = parameters["members"]?[0]?["id"]?.GetValue<string>() ?? "";
            if (Misbehave(userId) is { } failure)
            {
                return failure;
            }

            return (HttpStatusCode.Created, Json(new { id = PersonalConversationId(userId) }), 0);
        }

        var conversationId = segments[2];
        if (method == HttpMethod.Get && segments.Length == 4 && segments[3] == "pagedmembers")
        {
            if (MembersPageAnswer is { } answer)
            {
                return (HttpStatusCode.OK, answer, 0);
            }

            var members = teams.GetValueOrDefault(conversationId) ?? [];
            var start = 0;
            var token = System.Web.HttpUtility.ParseQueryString(query)["continuationToken"];
            if (token is not null)
            {
                start = int.Parse(token, CultureInfo.InvariantCulture);
            }

            var page = members.Skip(start).Take(PageSize).Select(m => new { id = m.Id, name = m.Name, objectId = "aad-" + m.Id }).ToList();
            var nextToken = start + PageSize < members.Count ? (start + PageSize).ToString(CultureInfo.InvariantCulture) : null;
            return (HttpStatusCode.OK, Json(new { continuationToken = nextToken, members = page }), 0);
        }

        if (method == HttpMethod.Get && segments.Length == 5 && segments[3] == "members")
        {
            return (HttpStatusCode.OK, Json(new { id = segments[4], name = "Member " + segments[4] }), 0);
        }

        if (method == HttpMethod.Post && segments.Length == 4 && segments[3] == "activities")
        {
            if (conversationId.StartsWith("a:dm-", StringComparison.Ordinal))
            {
                var userId = conversationId["a:dm-".Length..];
                if (Misbehave(userId) is { } failure)
                {
                    return failure;
                }

                // Numbered atomically, so "after N" is exact however many sends run in parallel.
                var attempt = Interlocked.Increment(ref activityAttempts) - 1;
                OnActivityPost?.Invoke(attempt);
                if (FailActivitiesAfter is { } limit && attempt >= limit)
                {
                    return (OutageStatus, Error("ServiceError", "The connector is having a bad day"), 0);
                }

                if (AcceptWithoutId.ContainsKey(userId))
                {
                    return (HttpStatusCode.Created, "{}", 0);
                }
            }

            return (HttpStatusCode.Created, Json(new { id = Next() }), 0);
        }

        if (segments.Length == 5 && segments[3] == "activities" && (method == HttpMethod.Put || method == HttpMethod.Post))
        {
            return (HttpStatusCode.OK, Json(new { id = method == HttpMethod.Put ? segments[4] : Next() }), 0);
        }

        return (HttpStatusCode.NotFound, Error("NotFound", "No such route"), 0);
    }

    private (HttpStatusCode, string?, int)? Misbehave(string userId)
    {
        if (!behaviours.TryGetValue(userId, out var behaviour))
        {
            return null;
        }

        var used = behaviourUses.AddOrUpdate(userId, 1, (_, n) => n + 1);
        if (used > behaviour.Times)
        {
            return null;
        }

        return (behaviour.Status, Error(behaviour.ErrorCode ?? behaviour.Status.ToString(), "The fake connector says no"), behaviour.RetryAfterSeconds);
    }

    private string Next() => Interlocked.Increment(ref nextId).ToString(CultureInfo.InvariantCulture);

    private static string Json(object value) => JsonSerializer.Serialize(value, new JsonSerializerOptions(JsonSerializerDefaults.Web));

    private static string Error(string code, string message) => Json(new { error = new { code, message } });

    private sealed class Handler(FakeTeams teams, string host) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            teams.HandleAsync(host, request, cancellationToken);
    }
}
