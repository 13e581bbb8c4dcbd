using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace UpdateBot.Benchmarks;

/// <summary>One sliding-window rule: at most <see cref="Limit"/> accepted requests in any <see cref="Window"/>.</summary>
internal readonly record struct Rule(int Limit, TimeSpan Window);

/// <summary>
/// A local stand-in for the Bot Connector (protocol.md §5) that enforces Teams' published limits (protocol.md §6.1) the
/// way the service sees them: a request over any limit is answered 429 with a whole-second <c>Retry-After</c> and is
/// not counted (only accepted requests fill the windows). Every delivered prompt is recorded per user.
/// Bound to 127.0.0.1 only.
/// </summary>
internal sealed class FakeConnector
{
    /// <summary>T-RATE per bot per thread, "send to conversation" and "create conversation": 7/1 s, 8/2 s, 60/30 s, 1800/h.</summary>
    public static readonly Rule[] SendRules =
        [new(7, TimeSpan.FromSeconds(1)), new(8, TimeSpan.FromSeconds(2)), new(60, TimeSpan.FromSeconds(30)), new(1800, TimeSpan.FromHours(1))];

    /// <summary>T-RATE per bot per thread, "get conversation members": 14/1 s, 16/2 s, 120/30 s, 3600/h.</summary>
    public static readonly Rule[] MemberRules =
        [new(14, TimeSpan.FromSeconds(1)), new(16, TimeSpan.FromSeconds(2)), new(120, TimeSpan.FromSeconds(30)), new(3600, TimeSpan.FromHours(1))];

    public const string TeamId = "19:bench-team@thread.tacv2";
    public const string TenantId = "00000000-0000-0000-0000-00000000beef";

    private readonly Lock gate = new();
    private readonly Dictionary<string, List<long>> accepted = new(StringComparer.Ordinal);
    private readonly List<long> globalAccepted = [];
    private readonly Rule[] globalRules;
    private readonly int rosterSize;
    private readonly ConcurrentDictionary<string, string> conversationOfUser = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> userOfConversation = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> deliveries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> counters = new(StringComparer.Ordinal);
    private readonly long origin = Stopwatch.GetTimestamp();
    private long firstAccepted = -1;
    private long lastAccepted = -1;
    private readonly List<double> globalShortfallMs = [];
    private int activityIds;

    /// <param name="globalWindow">1 s as published; shorter only to emulate a safety margin in the service's limiter.</param>
    public FakeConnector(int rosterSize, int globalPerSecond, TimeSpan globalWindow)
    {
        this.rosterSize = rosterSize;
        globalRules = [new(globalPerSecond, globalWindow)];
    }

    /// <summary>The 1:1 chat id this connector gives a user (stable, so the benchmark's people can write from it).</summary>
    public static string ConversationOf(string userId) => "a:bench-" + userId[3..];

    /// <summary>The team's member number <paramref name="i"/>, as the roster pages list them.</summary>
    public static UpdateBot.Storage.RosterEntry Member(int i) =>
        new(UserId(i), "Member " + i.ToString(CultureInfo.InvariantCulture), new Guid(i, 0, 0, new byte[8]).ToString(), $"member{i}@bench.example", "user");

    public static string UserId(int i) => "29:bench-user-" + i.ToString("D5", CultureInfo.InvariantCulture);

    public async Task<WebApplication> StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], EnvironmentName = "Production" });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();

        app.MapGet("/v3/conversations/{id}/pagedmembers", (string id, int? pageSize, string? continuationToken) => PagedMembers(id, pageSize, continuationToken));
        app.MapPost("/v3/conversations", CreateConversationAsync);
        app.MapPost("/v3/conversations/{id}/activities", SendToConversationAsync);
        app.MapPut("/v3/conversations/{id}/activities/{activityId}", (string id, string activityId) => UpdateActivity(id, activityId));
        app.MapGet("/_bench/stats", () => Results.Json(Snapshot()));
        app.MapFallback((HttpContext context) =>
        {
            Count("unexpected");
            return Results.Json(Error("NotImplemented", context.Request.Path), statusCode: 404);
        });

        await app.StartAsync(cancellationToken);
        return app;
    }

    private IResult PagedMembers(string id, int? pageSize, string? continuationToken)
    {
        Count("request");
        if (Admit("members:" + id, MemberRules) is { } throttled)
        {
            return throttled;
        }

        Count("accepted");
        Count("pagedmembers");
        if (!string.Equals(id, TeamId, StringComparison.Ordinal))
        {
            return Results.Json(Error("ConversationNotFound", id), statusCode: 404);
        }

        // protocol.md §5.2: < 50 is treated as 50, > 500 capped at 500.
        var size = Math.Clamp(pageSize ?? 500, 50, 500);
        var start = int.TryParse(continuationToken, NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s : 0;
        var end = Math.Min(start + size, rosterSize);
        var members = new JsonArray();
        for (var i = start; i < end; i++)
        {
            var member = Member(i);
            members.Add(new JsonObject
            {
                ["id"] = member.UserId,
                ["name"] = member.Name,
                ["aadObjectId"] = member.AadObjectId,
                ["email"] = member.Email,
                ["userPrincipalName"] = member.Email,
                ["userRole"] = member.UserRole,
                ["tenantId"] = TenantId,
            });
        }

        var page = new JsonObject { ["members"] = members };
        if (end < rosterSize)
        {
            page["continuationToken"] = end.ToString(CultureInfo.InvariantCulture);
        }

        return Results.Json(page);
    }

    private async Task<IResult> CreateConversationAsync(HttpRequest request)
    {
        Count("request");
        var body = await JsonNode.ParseAsync(request.Body);
        var userId = body?["members"]?[0]?["id"]?.GetValue<string>();
        if (userId is null || body?["isGroup"]?.GetValue<bool>() == true)
        {
            Count("rejected");
            return Results.Json(Error("BadSyntax", "only 1:1 creates are simulated"), statusCode: 400);
        }

        // The thread being created is the user's 1:1 chat: the per-thread limit applies to it.
        if (Admit("create:" + userId, SendRules) is { } throttled)
        {
            return throttled;
        }

        Count("accepted");
        Count("create");
        var conversationId = conversationOfUser.GetOrAdd(userId, ConversationOf);
        userOfConversation.TryAdd(conversationId, userId);
        return Results.Json(new JsonObject { ["id"] = conversationId }, statusCode: 201);
    }

    private async Task<IResult> SendToConversationAsync(string id, HttpRequest request)
    {
        Count("request");
        if (Admit("conversation:" + id, SendRules) is { } throttled)
        {
            return throttled;
        }

        Count("accepted");
        Count("send");
        if (!userOfConversation.TryGetValue(id, out var userId))
        {
            Count("sendUnknownConversation");
            return Results.Json(Error("ConversationNotFound", id), statusCode: 404);
        }

        // A prompt card carries the Submit verb; anything else in a member's chat is a reply to their own turn.
        using var reader = new StreamReader(request.Body);
        var body = await reader.ReadToEndAsync();
        if (body.Contains("\"prompt.submit\"", StringComparison.Ordinal))
        {
            deliveries.AddOrUpdate(userId, 1, (_, n) => n + 1);
        }
        else
        {
            Count("reply");
        }

        var activityId = Interlocked.Increment(ref activityIds).ToString(CultureInfo.InvariantCulture);
        return Results.Json(new JsonObject { ["id"] = activityId }, statusCode: 201);
    }

    /// <summary>A card updated in place (the classic Action.Submit answer): counted as a send to that thread.</summary>
    private IResult UpdateActivity(string id, string activityId)
    {
        Count("request");
        if (Admit("conversation:" + id, SendRules) is { } throttled)
        {
            return throttled;
        }

        Count("accepted");
        if (!userOfConversation.ContainsKey(id))
        {
            Count("sendUnknownConversation");
            return Results.Json(Error("ConversationNotFound", id), statusCode: 404);
        }

        Count("update");
        return Results.Json(new JsonObject { ["id"] = activityId });
    }

    /// <summary>Null when the request may go (it is recorded); else the 429 to answer.</summary>
    private ThrottledResult? Admit(string key, Rule[] rules)
    {
        var now = Stopwatch.GetTimestamp();
        TimeSpan wait;
        lock (gate)
        {
            if (!accepted.TryGetValue(key, out var log))
            {
                log = [];
                accepted[key] = log;
            }

            var threadWait = WaitFor(log, rules, now);
            var globalWait = WaitFor(globalAccepted, globalRules, now);
            wait = Max(threadWait, globalWait);
            if (wait > TimeSpan.Zero)
            {
                Count(threadWait > TimeSpan.Zero ? "throttledThread" : "throttledGlobal");
                if (threadWait <= TimeSpan.Zero)
                {
                    // How early the request came: how long before the G-th previous accepted one left the window.
                    globalShortfallMs.Add(globalWait.TotalMilliseconds);
                }
            }
            else
            {
                Record(log, rules, now);
                Record(globalAccepted, globalRules, now);
                if (firstAccepted < 0)
                {
                    firstAccepted = now;
                }

                lastAccepted = now;
                return null;
            }
        }

        Count("throttled");
        // Teams sends whole seconds; round up so that honouring it is always enough.
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        return new ThrottledResult(seconds);
    }

    private static TimeSpan WaitFor(List<long> log, Rule[] rules, long now)
    {
        var wait = TimeSpan.Zero;
        foreach (var rule in rules)
        {
            if (log.Count >= rule.Limit)
            {
                // The limit-th most recent accepted request must have left the window.
                var until = Stopwatch.GetElapsedTime(now, log[^rule.Limit]) + rule.Window;
                wait = Max(wait, until);
            }
        }

        return wait;
    }

    private static void Record(List<long> log, Rule[] rules, long now)
    {
        log.Add(now);
        var history = rules.Max(r => r.Limit);
        if (log.Count > 2 * history)
        {
            log.RemoveRange(0, log.Count - history);
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private void Count(string name) => counters.AddOrUpdate(name, 1, (_, n) => n + 1);

    private static JsonObject Error(string code, string message) => new() { ["error"] = new JsonObject { ["code"] = code, ["message"] = message } };

    public ConnectorStats Snapshot()
    {
        var perUser = Enumerable.Range(0, rosterSize).Select(i => deliveries.GetValueOrDefault(UserId(i))).ToList();
        long first, last;
        List<double> shortfalls;
        lock (gate)
        {
            (first, last) = (firstAccepted, lastAccepted);
            shortfalls = [.. globalShortfallMs.Order()];
        }

        return new ConnectorStats(
            counters.GetValueOrDefault("request"),
            counters.GetValueOrDefault("accepted"),
            counters.GetValueOrDefault("throttled"),
            counters.GetValueOrDefault("throttledGlobal"),
            counters.GetValueOrDefault("throttledThread"),
            counters.GetValueOrDefault("pagedmembers"),
            counters.GetValueOrDefault("create"),
            counters.GetValueOrDefault("send"),
            counters.GetValueOrDefault("sendUnknownConversation") + counters.GetValueOrDefault("unexpected") + counters.GetValueOrDefault("rejected"),
            perUser.Sum(),
            perUser.Count(n => n == 0),
            perUser.Sum(n => Math.Max(0, n - 1)),
            deliveries.Keys.Count(u => !u.StartsWith("29:bench-user-", StringComparison.Ordinal)),
            first < 0 ? 0 : Stopwatch.GetElapsedTime(origin, first).TotalSeconds,
            last < 0 ? 0 : Stopwatch.GetElapsedTime(origin, last).TotalSeconds,
            shortfalls.Count == 0 ? 0 : shortfalls[shortfalls.Count / 2],
            shortfalls.Count == 0 ? 0 : shortfalls[(int)(shortfalls.Count * 0.9)],
            shortfalls.Count == 0 ? 0 : shortfalls[^1],
            counters.GetValueOrDefault("reply"),
            counters.GetValueOrDefault("update"));
    }

    private sealed class ThrottledResult(int retryAfterSeconds) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            httpContext.Response.Headers.RetryAfter = retryAfterSeconds.ToString(CultureInfo.InvariantCulture);
            return httpContext.Response.WriteAsJsonAsync(Error("Throttled", "Too many requests"));
        }
    }
}

/// <summary>What the fake connector saw. Times are seconds since it started (its own clock).</summary>
internal sealed record ConnectorStats(
    int Requests,
    int Accepted,
    int Throttled,
    int ThrottledGlobal,
    int ThrottledThread,
    int PagedMemberCalls,
    int Creates,
    int Sends,
    int Unexpected,
    int Delivered,
    int Lost,
    int Duplicates,
    int DeliveredToStrangers,
    double FirstAcceptedAt,
    double LastAcceptedAt,
    double GlobalShortfallMedianMs = 0,
    double GlobalShortfallP90Ms = 0,
    double GlobalShortfallMaxMs = 0,
    int Replies = 0,
    int Updates = 0)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
}
