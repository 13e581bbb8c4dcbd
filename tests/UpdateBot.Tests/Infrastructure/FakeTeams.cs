using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using UpdateBot.Teams.Connector;

namespace UpdateBot.Tests.Infrastructure;

/// <summary>One request the service made to the Bot Connector.</summary>
public sealed record RecordedRequest(string Host, HttpMethod Method, string Path, string Body, HttpStatusCode Status, DateTimeOffset At, ConnectorPriority Priority = ConnectorPriority.Background)
{
    public JsonNode? Json => Body.Length == 0 ? null : JsonNode.Parse(Body);

    public bool Succeeded => (int)Status is >= 200 and < 300;
}

/// <summary>
/// A fault of the connector at the transport level. "Delivered" faults record the message as shown in Teams (the
/// request counts as succeeded) and then lose the answer, which is what makes a resend a duplicate.
/// </summary>
public enum ConnectorFault
{
    None,

    /// <summary>The connection is refused before anything is written: provably not delivered.</summary>
    RefusedBeforeWrite,

    /// <summary>A 5xx answer; Teams did not deliver it.</summary>
    ServerError,

    /// <summary>Teams delivered it, then answered 500.</summary>
    DeliveredThenServerError,

    /// <summary>Teams delivered it, then the answer never came (a timeout).</summary>
    DeliveredThenTimeout,

    /// <summary>Teams delivered it, then the connection was reset before the answer.</summary>
    DeliveredThenReset,
}

/// <summary>What the fake connector answers for one user (their 1:1 chat and its creation).</summary>
public sealed record UserBehaviour(HttpStatusCode Status, string? ErrorCode = null, int Times = int.MaxValue, int RetryAfterSeconds = 0);

/// <summary>
/// A fake Bot Connector (docs/protocol.md, "Connector REST operations") at the HttpMessageHandler level: records every request, serves a team's paged
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
    private readonly Lock faultGate = new();
    private readonly Lock waitersGate = new();
    private readonly List<(Func<RecordedRequest, bool> Match, TaskCompletionSource<RecordedRequest> Done)> requestWaiters = [];
    private int nextId;
    private int activityAttempts;

    /// <summary>Members per page of <c>pagedmembers</c> (small, so that paging is exercised).</summary>
    public int PageSize { get; set; } = 2;

    /// <summary>
    /// After this many 1:1 activity POSTs, every further activity POST meets <see cref="Outage"/>
    /// (a connector outage in the middle of a fan-out). Null: no outage.
    /// </summary>
    public int? FailActivitiesAfter { get; set; }

    /// <summary>What an outage does to a 1:1 activity POST.</summary>
    public ConnectorFault Outage { get; set; } = ConnectorFault.RefusedBeforeWrite;

    /// <summary>What happens to the next channel posts (new threads), and how many times.</summary>
    public (ConnectorFault Fault, HttpStatusCode Status, int Times) ChannelPostFault { get; set; }

    /// <summary>While set, a new channel post waits for it before Teams takes it (a slow connector); set when it arrives.</summary>
    public TaskCompletionSource? ChannelPostHold { get; set; }

    /// <summary>Completed when a channel post starts waiting on <see cref="ChannelPostHold"/>.</summary>
    public TaskCompletionSource ChannelPostWaiting { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>While set, an update of a channel activity (a correction) waits for it before Teams answers; set when it arrives.</summary>
    public TaskCompletionSource? ChannelUpdateHold { get; set; }

    /// <summary>Completed when a channel update starts waiting on <see cref="ChannelUpdateHold"/>.</summary>
    public TaskCompletionSource ChannelUpdateWaiting { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Status (and how many times) answered to replies in a channel thread (the continuation parts of a long digest).</summary>
    public (HttpStatusCode Status, int Times) ThreadReplyFault { get; set; }

    /// <summary>What happens to the next replies in a channel thread after Teams took them (a "Delivered" fault), and how many times.</summary>
    public (ConnectorFault Fault, int Times) ThreadReplyLoss { get; set; }

    /// <summary>Status (and how many times) answered to PUTs of channel activities (corrections).</summary>
    public (HttpStatusCode Status, int Times) ChannelUpdateFault { get; set; }

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

    /// <summary>Completes with the first request (already made, or made later) that matches: a signal, not a poll.</summary>
    public Task<RecordedRequest> WaitForRequestAsync(Func<RecordedRequest, bool> match)
    {
        var waiter = (match, new TaskCompletionSource<RecordedRequest>(TaskCreationOptions.RunContinuationsAsynchronously));
        lock (waitersGate)
        {
            if (requests.FirstOrDefault(match) is { } done)
            {
                return Task.FromResult(done);
            }

            requestWaiters.Add(waiter);
        }

        return waiter.Item2.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    private void Record(RecordedRequest request)
    {
        lock (waitersGate)
        {
            requests.Enqueue(request);
            foreach (var waiter in requestWaiters.Where(w => w.Match(request)).ToList())
            {
                requestWaiters.Remove(waiter);
                waiter.Done.TrySetResult(request);
            }
        }
    }

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

    /// <summary>Which queue the service's limiter put the request in (ConnectorRequestOptions.Priority).</summary>
    private static ConnectorPriority PriorityOf(HttpRequestMessage request) =>
        request.Options.TryGetValue(ConnectorRequestOptions.Priority, out var priority) ? priority : ConnectorPriority.Background;

    private async Task<HttpResponseMessage> HandleAsync(string host, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
        var path = request.RequestUri!.AbsolutePath;
        if (ChannelPostHold is { } hold && request.Method == HttpMethod.Post && path == "/v3/conversations" && body.Contains("\"isGroup\":true", StringComparison.Ordinal))
        {
            ChannelPostWaiting.TrySetResult();
            try
            {
                await hold.Task.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
            }
            catch (OperationCanceledException)
            {
                // The caller gave up (the process died) after writing the request: Teams still posts it.
                var (postedStatus, _, _) = Route(request.Method, path, request.RequestUri.Query, body, out _);
                Record(new RecordedRequest(host, request.Method, Uri.UnescapeDataString(path), body, postedStatus, Clock?.GetUtcNow() ?? default, PriorityOf(request)));
                throw;
            }
        }

        if (ChannelUpdateHold is { } updateHold && request.Method == HttpMethod.Put && Uri.UnescapeDataString(path).Contains(";messageid=", StringComparison.Ordinal))
        {
            ChannelUpdateWaiting.TrySetResult();
            await updateHold.Task.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
        }

        var (status, json, retryAfter) = Route(request.Method, path, request.RequestUri.Query, body, out var outage);
        cancellationToken.ThrowIfCancellationRequested();
        var fault = outage != ConnectorFault.None ? outage : TakeFault(request.Method, path, body, ref status, ref json);
        if (fault == ConnectorFault.RefusedBeforeWrite)
        {
            throw new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused (fake connector outage)");
        }

        Record(new RecordedRequest(host, request.Method, Uri.UnescapeDataString(path), body, status, Clock?.GetUtcNow() ?? default, PriorityOf(request)));
        switch (fault)
        {
            case ConnectorFault.DeliveredThenServerError:
                status = HttpStatusCode.InternalServerError;
                json = Error("ServiceError", "Delivered, but the answer was lost");
                break;
            case ConnectorFault.DeliveredThenTimeout:
                throw new TaskCanceledException("The fake connector never answered (delivered, then timed out)");
            case ConnectorFault.DeliveredThenReset:
                throw new HttpRequestException(HttpRequestError.ResponseEnded, "Connection reset after the request was written");
        }

        var response = new HttpResponseMessage(status)
        {
            RequestMessage = request,
            Content = new StringContent(json ?? "", Encoding.UTF8, "application/json"),
        };
        if (status == HttpStatusCode.TooManyRequests && retryAfter == 0)
        {
            // Teams sends Retry-After with its 429s; two minutes is longer than a call may wait, so the call ends as throttled.
            retryAfter = 120;
        }

        if (retryAfter > 0)
        {
            response.Headers.TryAddWithoutValidation("Retry-After", retryAfter.ToString(CultureInfo.InvariantCulture));
        }

        return response;
    }

    /// <summary>Applies the configured channel faults to this request; a plain error status replaces the answer here.</summary>
    private ConnectorFault TakeFault(HttpMethod method, string path, string body, ref HttpStatusCode status, ref string? json)
    {
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var isChannelPost = method == HttpMethod.Post && segments.Length == 2 && body.Contains("\"isGroup\":true", StringComparison.Ordinal);
        var isThreadReply = method == HttpMethod.Post && segments.Length == 4 && Uri.UnescapeDataString(segments[2]).Contains(";messageid=", StringComparison.Ordinal);
        var isChannelUpdate = method == HttpMethod.Put && segments.Length == 5 && Uri.UnescapeDataString(segments[2]).Contains(";messageid=", StringComparison.Ordinal);
        lock (faultGate)
        {
            if (isChannelPost && ChannelPostFault.Times > 0)
            {
                var (fault, faultStatus, times) = ChannelPostFault;
                ChannelPostFault = (fault, faultStatus, times - 1);
                if (fault == ConnectorFault.None)
                {
                    (status, json) = (faultStatus, Error(faultStatus.ToString(), "The fake connector refuses this channel post"));
                }

                return fault;
            }

            if (isThreadReply && ThreadReplyLoss.Times > 0)
            {
                ThreadReplyLoss = (ThreadReplyLoss.Fault, ThreadReplyLoss.Times - 1);
                return ThreadReplyLoss.Fault;
            }

            if (isThreadReply && ThreadReplyFault.Times > 0)
            {
                ThreadReplyFault = (ThreadReplyFault.Status, ThreadReplyFault.Times - 1);
                (status, json) = (ThreadReplyFault.Status, Error(ThreadReplyFault.Status.ToString(), "The fake connector refuses this reply"));
            }

            if (isChannelUpdate && ChannelUpdateFault.Times > 0)
            {
                ChannelUpdateFault = (ChannelUpdateFault.Status, ChannelUpdateFault.Times - 1);
                (status, json) = (ChannelUpdateFault.Status, Error(ChannelUpdateFault.Status.ToString(), "The fake connector refuses this update"));
            }
        }

        return ConnectorFault.None;
    }

    private (HttpStatusCode, string?, int) Route(HttpMethod method, string path, string query, string body, out ConnectorFault outage)
    {
        outage = ConnectorFault.None;
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
                    if (Outage == ConnectorFault.ServerError)
                    {
                        return (HttpStatusCode.ServiceUnavailable, Error("ServiceError", "The connector is having a bad day"), 0);
                    }

                    outage = Outage;
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
