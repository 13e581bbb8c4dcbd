using System.Net;
using System.Text.Json;
using Azure.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using UpdateBot.Teams.Authentication;
using UpdateBot.Teams.Connector;
using UpdateBot.Teams.Hosting;
using UpdateBot.Teams.Schema;

namespace UpdateBot.Teams.Tests;

/// <summary>A credential that counts how often it is asked, with tokens valid for an hour of fake time.</summary>
internal sealed class CountingCredential(TimeProvider time) : TokenCredential
{
    public int Calls;

    public IReadOnlyList<string>? LastScopes;

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) => throw new NotSupportedException();

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        var n = Interlocked.Increment(ref Calls);
        LastScopes = requestContext.Scopes;
        return ValueTask.FromResult(new AccessToken($"tok-{n}", time.GetUtcNow().AddHours(1)));
    }
}

/// <summary>The connector client through its real DI pipeline (resilience, rate limits, token), faked at the HttpMessageHandler.</summary>
internal sealed class ConnectorRig : IDisposable
{
    private readonly ServiceProvider services;

    public ConnectorRig(Func<HttpRequestMessage, int, HttpResponseMessage> respond, Dictionary<string, string?>? settings = null, TokenCredential? credential = null, ILoggerProvider? logs = null)
    {
        Time = new ObservableTimeProvider();
        Connector = new FakeConnector(respond, Time);
        Credential = new CountingCredential(Time);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings ?? Settings.Production()).Build();
        var collection = TestServices.Create();
        collection.AddSingleton<TimeProvider>(Time);
        if (logs is not null)
        {
            collection.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
        }

        collection.AddKeyedSingleton(BotTokenProvider.CredentialServiceKey, credential ?? Credential);
        collection.AddTeamsBot(configuration);
        collection.AddHttpClient(TeamsBotExtensions.ConnectorHttpClientName).ConfigurePrimaryHttpMessageHandler(() => Connector);
        services = collection.BuildServiceProvider();
    }

    public ObservableTimeProvider Time { get; }

    public FakeConnector Connector { get; }

    public CountingCredential Credential { get; }

    public ConnectorClient Client => services.GetRequiredService<ConnectorClient>();

    public ConnectorRateLimits Limits => services.GetRequiredService<ConnectorRateLimits>();

    public TrustedServiceUrls Trusted => services.GetRequiredService<TrustedServiceUrls>();

    public void Dispose() => services.Dispose();

    public static Dictionary<string, string?> With(string key, string value) => new(Settings.Production()) { [key] = value };

    public static HttpResponseMessage Created(string id = "1") => FakeConnector.Json(HttpStatusCode.Created, $$"""{"id":"{{id}}"}""");

    public static HttpResponseMessage Throttled(string retryAfter)
    {
        var response = FakeConnector.Json(HttpStatusCode.TooManyRequests, """{"error":{"code":"Throttled","message":"slow down"}}""");
        response.Headers.TryAddWithoutValidation("Retry-After", retryAfter);
        return response;
    }
}

public sealed class ConnectorClientTests
{
    private const string ServiceUrl = TestConstants.ServiceUrl;
    private static readonly Activity Message = Activity.CreateMessage("hello");

    [Fact]
    public async Task Honours_retry_after_seconds()
    {
        using var rig = new ConnectorRig((_, attempt) => attempt == 1 ? ConnectorRig.Throttled("2") : ConnectorRig.Created("42"));

        var result = await rig.Time.DriveAsync(rig.Client.SendToConversationAsync(ServiceUrl, "a:1", Message, CancellationToken.None));

        Assert.True(result.IsSuccess);
        Assert.Equal("42", result.Value!.Id);
        Assert.Equal(2, rig.Connector.Count);
        Assert.Equal(TimeSpan.FromSeconds(2), rig.Connector.Requests[1].At - rig.Connector.Requests[0].At);
    }

    [Fact]
    public async Task Honours_retry_after_as_a_date()
    {
        // The fake clock starts at 2026-03-02 09:00:00Z; the first attempt happens then.
        var notBefore = new DateTimeOffset(2026, 3, 2, 9, 0, 3, TimeSpan.Zero).ToString("R");
        using var rig2 = new ConnectorRig((_, attempt) => attempt == 1 ? ConnectorRig.Throttled(notBefore) : ConnectorRig.Created());

        var result = await rig2.Time.DriveAsync(rig2.Client.SendToConversationAsync(ServiceUrl, "a:1", Message, CancellationToken.None));

        Assert.True(result.IsSuccess);
        Assert.Equal(TimeSpan.FromSeconds(3), rig2.Connector.Requests[1].At - rig2.Connector.Requests[0].At);
    }

    [Fact]
    public async Task Still_throttled_after_the_bounded_retries_is_throttled()
    {
        var settings = new Dictionary<string, string?>(Settings.Production()) { ["Bot:Connector:MaxRetryAttempts"] = "2" };
        using var rig = new ConnectorRig((_, _) => ConnectorRig.Throttled("1"), settings);

        var result = await rig.Time.DriveAsync(rig.Client.SendToConversationAsync(ServiceUrl, "a:1", Message, CancellationToken.None));

        Assert.Equal(ConnectorOutcome.Throttled, result.Outcome);
        Assert.Equal(3, rig.Connector.Count);
    }

    [Fact]
    public async Task A_retry_after_longer_than_allowed_pauses_every_sender_without_sending()
    {
        // Longer than a call may wait (MaxRetryDelay, 30 s), within the cap on the shared pause (MaxRetryAfter, 60 s).
        using var rig = new ConnectorRig((_, _) => ConnectorRig.Throttled("45"));
        var start = rig.Time.GetUtcNow();

        var first = await rig.Client.SendToConversationAsync(ServiceUrl, "a:1", Message, CancellationToken.None);
        var other = await rig.Client.SendToConversationAsync(ServiceUrl, "a:2", Message, CancellationToken.None);

        Assert.Equal(ConnectorOutcome.Throttled, first.Outcome);
        Assert.Equal(start.AddSeconds(45), rig.Limits.PausedUntil);
        Assert.Equal(ConnectorOutcome.Throttled, other.Outcome);
        Assert.Equal(ConnectorFailure.SharedBackoff, other.Failure);
        Assert.Equal(1, rig.Connector.Count);
    }

    [Fact]
    public async Task The_shared_pause_delays_other_conversations()
    {
        using var rig = new ConnectorRig((_, _) => ConnectorRig.Created());
        var start = rig.Time.GetUtcNow();
        rig.Limits.PauseUntil(start.AddSeconds(3));

        var send = rig.Client.SendToConversationAsync(ServiceUrl, "a:other", Message, CancellationToken.None);
        var due = await rig.Time.ShortTimers.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(TimeSpan.FromSeconds(3), due);
        Assert.Equal(0, rig.Connector.Count);
        rig.Time.Advance(due);
        Assert.True((await send.WaitAsync(TimeSpan.FromSeconds(20))).IsSuccess);
        Assert.Equal(start.AddSeconds(3), rig.Connector.Requests[0].At);
    }

    [Fact]
    public async Task A_request_queued_for_its_slot_when_a_429_arrives_waits_out_the_pause()
    {
        // A global budget far above the conversation's, so only the conversation's rule spaces these sends.
        using var rig = new ConnectorRig((_, _) => ConnectorRig.Created(), ConnectorRig.With("Bot:Connector:GlobalRequestsPerSecond", "1000"));
        var start = rig.Time.GetUtcNow();

        // Eight messages to one conversation: the eighth queues for its slot a second or so away.
        var sends = Enumerable.Range(0, 8).Select(_ => rig.Client.SendToConversationAsync(ServiceUrl, "a:busy", Message, CancellationToken.None)).ToList();
        await rig.Connector.WaitForCountAsync(7);
        var slotWait = await rig.Time.ShortTimers.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(20));

        // Meanwhile another sender is throttled: everyone must hold off for 5 seconds.
        rig.Limits.PauseUntil(start.AddSeconds(5));
        rig.Time.Advance(slotWait);
        var pauseWait = await rig.Time.ShortTimers.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(7, rig.Connector.Count);
        Assert.Equal(start.AddSeconds(5), rig.Time.GetUtcNow() + pauseWait);
        rig.Time.Advance(pauseWait);
        await Task.WhenAll(sends).WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(8, rig.Connector.Count);
        Assert.True(rig.Connector.Requests[7].At >= start.AddSeconds(5));
    }

    [Theory]
    [InlineData("""{"errorCode":209,"message":"{\"subCode\":\"MessageWritesBlocked\",\"message\":\"Thread is blocked\"}"}""", "MessageWritesBlocked")]
    [InlineData("""{"error":{"code":"ConversationBlockedByUser","message":"User blocked the conversation with the bot."}}""", "ConversationBlockedByUser")]
    [InlineData("""{"error":{"code":"BotNotInConversationRoster","message":"The bot is not part of the conversation roster."}}""", "BotNotInConversationRoster")]
    [InlineData("""{"error":{"code":"ForbiddenOperationException","message":"Bot is not installed in user's personal scope"}}""", "ForbiddenOperationException")]
    [InlineData("""{"errorCode":209,"message":"plain words"}""", "209")]
    [InlineData("Forbidden", null)]
    public async Task Forbidden_is_unreachable_keeps_the_code_and_is_never_retried(string body, string? code)
    {
        using var rig = new ConnectorRig((_, _) => FakeConnector.Json(HttpStatusCode.Forbidden, body));

        var result = await rig.Client.SendToConversationAsync(ServiceUrl, "a:1", Message, CancellationToken.None);

        Assert.Equal(ConnectorOutcome.Unreachable, result.Outcome);
        Assert.Equal(403, result.StatusCode);
        Assert.Equal(code, result.ErrorCode);
        Assert.Equal(1, rig.Connector.Count);
    }

    [Theory]
    [InlineData(HttpStatusCode.NotFound, ConnectorOutcome.NotFound)]
    [InlineData(HttpStatusCode.BadRequest, ConnectorOutcome.Rejected)]
    [InlineData(HttpStatusCode.RequestEntityTooLarge, ConnectorOutcome.Rejected)]
    [InlineData(HttpStatusCode.InternalServerError, ConnectorOutcome.Failed)]
    [InlineData(HttpStatusCode.GatewayTimeout, ConnectorOutcome.Failed)]
    public async Task Non_retryable_statuses_on_post_are_sent_once(HttpStatusCode status, ConnectorOutcome outcome)
    {
        using var rig = new ConnectorRig((_, _) => FakeConnector.Json(status, """{"error":{"code":"X","message":"m"}}"""));

        var result = await rig.Client.SendToConversationAsync(ServiceUrl, "a:1", Message, CancellationToken.None);

        Assert.Equal(outcome, result.Outcome);
        Assert.Equal("X", result.ErrorCode);
        Assert.Equal(1, rig.Connector.Count);
    }

    [Theory]
    [InlineData(HttpStatusCode.PreconditionFailed)]
    [InlineData(HttpStatusCode.TooManyRequests)]
    public async Task Statuses_that_prove_nothing_was_delivered_are_retried_on_post_with_backoff(HttpStatusCode status)
    {
        using var rig = new ConnectorRig((_, attempt) => attempt == 1 ? new HttpResponseMessage(status) : ConnectorRig.Created());
        var waits = new List<TimeSpan>();

        var result = await rig.Time.DriveAsync(rig.Client.SendToConversationAsync(ServiceUrl, "a:1", Message, CancellationToken.None), waits);

        Assert.True(result.IsSuccess);
        Assert.Equal(2, rig.Connector.Count);
        Assert.NotEmpty(waits);
    }

    [Fact]
    public async Task Each_outbound_attempt_is_logged_at_debug_and_a_failed_request_once_at_warning()
    {
        var logs = new CapturingLoggerProvider();
        var settings = new Dictionary<string, string?>(Settings.Production()) { ["Bot:Connector:MaxRetryAttempts"] = "2" };
        using var rig = new ConnectorRig((_, attempt) => attempt == 1 ? ConnectorRig.Throttled("1") : ConnectorRig.Created(), settings, logs: logs);

        // A request that succeeds on its second attempt: two attempts and a retry, nothing above Debug.
        Assert.True((await rig.Time.DriveAsync(rig.Client.SendToConversationAsync(ServiceUrl, "a:1", Message, CancellationToken.None))).IsSuccess);
        var polly = logs.Entries.Where(e => e.Category.StartsWith("Polly", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(polly);
        Assert.All(polly, e => Assert.True(e.Level <= LogLevel.Debug, $"{e.Level}: {e.Message}"));
        Assert.DoesNotContain(OurLines(logs), e => e.Level >= LogLevel.Information);

        // A request that fails after every attempt: one warning, from the connector client.
        using var failing = new ConnectorRig((_, _) => ConnectorRig.Throttled("1"), settings, logs: logs = new CapturingLoggerProvider());
        Assert.False((await failing.Time.DriveAsync(failing.Client.SendToConversationAsync(ServiceUrl, "a:1", Message, CancellationToken.None))).IsSuccess);
        Assert.Equal(3, failing.Connector.Count);
        var warning = Assert.Single(OurLines(logs), e => e.Level >= LogLevel.Information);
        Assert.Equal((LogLevel.Warning, typeof(ConnectorClient).FullName), (warning.Level, warning.Category));

        // HttpClientFactory's own request lines are the host's to filter (the service's appsettings.json sets them to Warning).
        static IEnumerable<(LogLevel Level, string Category, string Message)> OurLines(CapturingLoggerProvider logs) =>
            logs.Entries.Where(e => !e.Category.StartsWith("System.Net.Http.HttpClient.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Gateway_timeout_is_retried_for_get_but_not_for_post()
    {
        using var rig = new ConnectorRig((_, attempt) => attempt == 1 ? new HttpResponseMessage(HttpStatusCode.GatewayTimeout) : FakeConnector.Json(HttpStatusCode.OK, """{"id":"19:t","name":"Squad A"}"""));

        var result = await rig.Time.DriveAsync(rig.Client.GetTeamDetailsAsync(ServiceUrl, "19:t@thread.tacv2", CancellationToken.None));

        Assert.True(result.IsSuccess);
        Assert.Equal("Squad A", result.Value!.Name);
        Assert.Equal(2, rig.Connector.Count);
    }

    [Fact]
    public async Task Ids_are_escaped_in_the_path_and_the_trailing_slash_is_handled()
    {
        using var rig = new ConnectorRig((_, _) => ConnectorRig.Created());

        await rig.Client.ReplyToActivityAsync("https://smba.trafficmanager.net/emea", "19:abc@thread.tacv2;messageid=1", "1:2=3", Message, CancellationToken.None);
        await rig.Client.UpdateActivityAsync(ServiceUrl, "a:1/..", "9", Message, CancellationToken.None);

        Assert.Equal("https://smba.trafficmanager.net/emea/v3/conversations/19%3Aabc%40thread.tacv2%3Bmessageid%3D1/activities/1%3A2%3D3", rig.Connector.Requests[0].Uri.AbsoluteUri);
        Assert.Equal(HttpMethod.Post, rig.Connector.Requests[0].Method);
        Assert.Equal("https://smba.trafficmanager.net/emea/v3/conversations/a%3A1%2F../activities/9", rig.Connector.Requests[1].Uri.AbsoluteUri);
        Assert.Equal(HttpMethod.Put, rig.Connector.Requests[1].Method);
        Assert.Equal("application/json; charset=utf-8", rig.Connector.Requests[0].ContentType);
    }

    [Fact]
    public async Task Delete_and_member_lookups_use_the_documented_paths()
    {
        using var rig = new ConnectorRig((request, _) => request.Method == HttpMethod.Delete
            ? new HttpResponseMessage(HttpStatusCode.OK)
            : FakeConnector.Json(HttpStatusCode.OK, """{"id":"29:u","objectId":"aad-u","userRole":"user","futureField":1}"""));

        var deleted = await rig.Client.DeleteActivityAsync(ServiceUrl, "a:1", "5", CancellationToken.None);
        var member = await rig.Client.GetMemberAsync(ServiceUrl, "19:team@thread.tacv2", "29:u", CancellationToken.None);

        Assert.True(deleted.Value);
        Assert.Equal("https://smba.trafficmanager.net/emea/v3/conversations/a%3A1/activities/5", rig.Connector.Requests[0].Uri.AbsoluteUri);
        Assert.Equal("https://smba.trafficmanager.net/emea/v3/conversations/19%3Ateam%40thread.tacv2/members/29%3Au", rig.Connector.Requests[1].Uri.AbsoluteUri);
        Assert.Equal("aad-u", member.Value!.EntraObjectId);
        Assert.True(member.Value.ExtensionData!.ContainsKey("futureField"));
    }

    [Fact]
    public async Task Paged_members_follow_continuation_tokens_and_accept_both_id_names()
    {
        using var rig = new ConnectorRig((request, _) =>
        {
            var query = request.RequestUri!.Query;
            return query.Contains("continuationToken=", StringComparison.Ordinal)
                ? FakeConnector.Json(HttpStatusCode.OK, """{"members":[{"id":"29:c","aadObjectId":"aad-c"}]}""")
                : FakeConnector.Json(HttpStatusCode.OK, """{"continuationToken":"tok/1+=&x","members":[{"id":"29:a","objectId":"aad-a"},{"id":"29:b","aadObjectId":"aad-b"}]}""");
        });

        var result = await rig.Client.GetAllMembersAsync(ServiceUrl, "19:team@thread.tacv2", CancellationToken.None);

        Assert.True(result.IsSuccess);
        Assert.Equal(["aad-a", "aad-b", "aad-c"], result.Value!.Select(m => m.EntraObjectId));
        Assert.Equal(2, rig.Connector.Count);
        Assert.Equal("?pageSize=500", rig.Connector.Requests[0].Uri.Query);
        Assert.Equal("?pageSize=500&continuationToken=tok%2F1%2B%3D%26x", rig.Connector.Requests[1].Uri.Query);
    }

    [Fact]
    public async Task A_failing_page_fails_the_roster()
    {
        using var rig = new ConnectorRig((_, attempt) => attempt == 1
            ? FakeConnector.Json(HttpStatusCode.OK, """{"continuationToken":"t","members":[{"id":"29:a"}]}""")
            : FakeConnector.Json(HttpStatusCode.NotFound, """{"error":{"code":"ConversationNotFound"}}"""));

        var result = await rig.Client.GetAllMembersAsync(ServiceUrl, "19:team@thread.tacv2", CancellationToken.None);

        Assert.Equal(ConnectorOutcome.NotFound, result.Outcome);
        Assert.Equal("ConversationNotFound", result.ErrorCode);
    }

    [Fact]
    public async Task Personal_conversation_body_carries_bot_member_and_tenant_twice()
    {
        using var rig = new ConnectorRig((_, _) => FakeConnector.Json(HttpStatusCode.Created, """{"id":"a:new"}"""));

        var result = await rig.Client.CreatePersonalConversationAsync(ServiceUrl, "tid", "28:bot", "29:user", CancellationToken.None);

        Assert.Equal("a:new", result.Value!.Id);
        Assert.Equal("https://smba.trafficmanager.net/emea/v3/conversations", rig.Connector.Requests[0].Uri.AbsoluteUri);
        using var body = JsonDocument.Parse(rig.Connector.Requests[0].Body!);
        var root = body.RootElement;
        Assert.False(root.GetProperty("isGroup").GetBoolean());
        Assert.Equal("28:bot", root.GetProperty("bot").GetProperty("id").GetString());
        Assert.Equal("29:user", root.GetProperty("members")[0].GetProperty("id").GetString());
        Assert.Equal("tid", root.GetProperty("tenantId").GetString());
        Assert.Equal("tid", root.GetProperty("channelData").GetProperty("tenant").GetProperty("id").GetString());
    }

    [Fact]
    public async Task Channel_post_body_carries_channel_tenant_and_activity()
    {
        using var rig = new ConnectorRig((_, _) => FakeConnector.Json(HttpStatusCode.Created, """{"id":"19:c@thread.tacv2;messageid=77","activityId":"77"}"""));

        var result = await rig.Client.CreateChannelPostAsync(ServiceUrl, "tid", "19:c@thread.tacv2", Message, CancellationToken.None);

        Assert.Equal("77", result.Value!.ActivityId);
        using var body = JsonDocument.Parse(rig.Connector.Requests[0].Body!);
        var root = body.RootElement;
        Assert.True(root.GetProperty("isGroup").GetBoolean());
        Assert.Equal("19:c@thread.tacv2", root.GetProperty("channelData").GetProperty("channel").GetProperty("id").GetString());
        Assert.Equal("tid", root.GetProperty("channelData").GetProperty("tenant").GetProperty("id").GetString());
        Assert.Equal("tid", root.GetProperty("tenantId").GetString());
        Assert.Equal("hello", root.GetProperty("activity").GetProperty("text").GetString());
    }

    [Fact]
    public async Task Team_channels_are_listed()
    {
        using var rig = new ConnectorRig((_, _) => FakeConnector.Json(HttpStatusCode.OK, """{"conversations":[{"id":"19:t@thread.tacv2"},{"id":"19:d@thread.tacv2","name":"Design"}]}"""));

        var result = await rig.Client.GetTeamChannelsAsync(ServiceUrl, "19:t@thread.tacv2", CancellationToken.None);

        Assert.Equal(["19:t@thread.tacv2", "19:d@thread.tacv2"], result.Value!.Select(c => c.Id));
        Assert.Equal("https://smba.trafficmanager.net/emea/v3/teams/19%3At%40thread.tacv2/conversations", rig.Connector.Requests[0].Uri.AbsoluteUri);
    }

    [Fact]
    public async Task Token_is_cached_and_refreshed_five_minutes_before_expiry()
    {
        using var rig = new ConnectorRig((_, _) => ConnectorRig.Created());

        await rig.Client.SendToConversationAsync(ServiceUrl, "a:1", Message, CancellationToken.None);
        await rig.Client.SendToConversationAsync(ServiceUrl, "a:2", Message, CancellationToken.None);
        rig.Time.Advance(TimeSpan.FromMinutes(56));
        await rig.Client.SendToConversationAsync(ServiceUrl, "a:3", Message, CancellationToken.None);

        Assert.Equal(["Bearer tok-1", "Bearer tok-1", "Bearer tok-2"], rig.Connector.Requests.Select(r => r.Authorization));
        Assert.Equal(2, rig.Credential.Calls);
        Assert.Equal(["https://api.botframework.com/.default"], rig.Credential.LastScopes);
    }

    [Fact]
    public async Task Untrusted_hosts_are_refused_without_sending_until_an_authenticated_activity_vouches_for_them()
    {
        using var rig = new ConnectorRig((_, _) => ConnectorRig.Created());

        var refused = await rig.Client.SendToConversationAsync("https://attacker.example/", "a:1", Message, CancellationToken.None);
        var plainHttp = await rig.Client.SendToConversationAsync("http://smba.trafficmanager.net/emea/", "a:1", Message, CancellationToken.None);
        Assert.Equal(0, rig.Connector.Count);
        Assert.Equal(0, rig.Credential.Calls);

        rig.Trusted.Trust(new Uri("https://attacker.example/"));
        var accepted = await rig.Client.SendToConversationAsync("https://attacker.example/", "a:1", Message, CancellationToken.None);

        Assert.Equal(ConnectorOutcome.Rejected, refused.Outcome);
        Assert.Equal(ConnectorFailure.UntrustedServiceUrl, refused.Failure);
        Assert.Equal(ConnectorOutcome.Rejected, plainHttp.Outcome);
        Assert.True(accepted.IsSuccess);
        Assert.Equal("Bearer tok-1", Assert.Single(rig.Connector.Requests).Authorization);
    }

    [Fact]
    public async Task Development_mode_sends_no_token_and_allows_loopback_only()
    {
        using var rig = new ConnectorRig((_, _) => ConnectorRig.Created(), Settings.Development());

        var playground = await rig.Client.SendToConversationAsync("http://localhost:56150/_connector", "personal-chat-id", Message, CancellationToken.None);
        var remote = await rig.Client.SendToConversationAsync("http://10.1.2.3/_connector", "personal-chat-id", Message, CancellationToken.None);

        Assert.True(playground.IsSuccess);
        Assert.Equal("http://localhost:56150/_connector/v3/conversations/personal-chat-id/activities", rig.Connector.Requests[0].Uri.AbsoluteUri);
        Assert.Null(rig.Connector.Requests[0].Authorization);
        Assert.Equal(ConnectorOutcome.Rejected, remote.Outcome);
        Assert.Equal(1, rig.Connector.Count);
        Assert.Equal(0, rig.Credential.Calls);
    }

    [Fact]
    public async Task Invalid_service_url_is_rejected()
    {
        using var rig = new ConnectorRig((_, _) => ConnectorRig.Created());

        var result = await rig.Client.SendToConversationAsync("not a url", "a:1", Message, CancellationToken.None);

        Assert.Equal(ConnectorOutcome.Rejected, result.Outcome);
        Assert.Equal(0, rig.Connector.Count);
    }
}

public sealed class RateLimitTests
{
    private static readonly Activity Message = Activity.CreateMessage("hello");

    private static Task Background(RequestRateGate gate) => gate.WaitAsync(ConnectorPriority.Background, CancellationToken.None);

    private static Task Interactive(RequestRateGate gate) => gate.WaitAsync(ConnectorPriority.Interactive, CancellationToken.None);

    [Fact]
    public void A_gate_allows_its_limit_per_second_then_queues()
    {
        var time = new ObservableTimeProvider();
        var gate = new RequestRateGate(7, time);

        var waits = Enumerable.Range(0, 9).Select(_ => Background(gate)).ToList();

        Assert.All(waits.Take(7), w => Assert.True(w.IsCompletedSuccessfully));
        Assert.False(waits[7].IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1) - TimeSpan.FromTicks(1));
        Assert.False(waits[7].IsCompleted);
        time.Advance(TimeSpan.FromTicks(1));
        Assert.True(waits[7].IsCompletedSuccessfully);
        Assert.True(waits[8].IsCompletedSuccessfully); // 7 per second: the 8th and 9th both go once the first second is over
        Assert.True(Background(gate).IsCompletedSuccessfully); // slots 3–7 of the first second are past the window now
    }

    [Fact]
    public void A_gate_never_lets_more_than_the_limit_into_any_one_second_window()
    {
        var time = new ObservableTimeProvider();
        var gate = new RequestRateGate(3, time);
        var pending = new List<Task>();
        var slots = new List<DateTimeOffset>();
        for (var i = 0; i < 50; i++)
        {
            pending.Add(i % 5 == 0 ? Interactive(gate) : Background(gate));
            AdvanceRecording(time, gate, TimeSpan.FromMilliseconds(i % 4 == 0 ? 350 : 10), pending, slots);
        }

        AdvanceRecording(time, gate, TimeSpan.FromMinutes(1), pending, slots);

        Assert.Empty(pending);
        Assert.Equal(50, slots.Count);
        for (var i = 3; i < slots.Count; i++)
        {
            Assert.True(slots[i] - slots[i - 3] >= TimeSpan.FromSeconds(1), $"slot {i}");
        }
    }

    /// <summary>Advances the fake clock by <paramref name="by"/>, stopping at every grant on the way, and notes when each waiter got through.</summary>
    private static void AdvanceRecording(ObservableTimeProvider time, RequestRateGate gate, TimeSpan by, List<Task> pending, List<DateTimeOffset> slots) =>
        AdvanceRecording(time, () => gate.NextGrant, by, pending, slots);

    private static void AdvanceRecording(ObservableTimeProvider time, ConnectorRateLimits limits, TimeSpan by, List<Task> pending, List<DateTimeOffset> slots) =>
        AdvanceRecording(time, limits.GlobalGate, by, pending, slots);

    private static void AdvanceRecording(ObservableTimeProvider time, Func<DateTimeOffset?> nextGrant, TimeSpan by, List<Task> pending, List<DateTimeOffset> slots)
    {
        var until = time.GetUtcNow() + by;
        while (true)
        {
            foreach (var done in pending.Where(t => t.IsCompleted).ToList())
            {
                slots.Add(time.GetUtcNow());
                pending.Remove(done);
            }

            var now = time.GetUtcNow();
            if (now >= until)
            {
                return;
            }

            var next = nextGrant() is { } grant && grant < until ? grant : until;
            time.Advance(next - now);
        }
    }

    [Fact]
    public void Every_window_rule_holds_at_once()
    {
        var time = new ObservableTimeProvider();
        var gate = new RequestRateGate([new RateWindow(2, TimeSpan.FromSeconds(1)), new RateWindow(3, TimeSpan.FromSeconds(10))], time);

        var waits = Enumerable.Range(0, 4).Select(_ => Background(gate)).ToList();

        Assert.True(waits[0].IsCompleted && waits[1].IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(waits[2].IsCompleted);
        time.Advance(TimeSpan.FromSeconds(8.999));
        Assert.False(waits[3].IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(waits[3].IsCompleted);
    }

    [Fact]
    public void An_interactive_request_takes_the_next_free_slot_ahead_of_background_requests_queued_before_it()
    {
        var time = new ObservableTimeProvider();
        var gate = new RequestRateGate(1, time);
        Assert.True(Background(gate).IsCompleted); // the budget of this second is spent

        var fanOut1 = Background(gate);
        var fanOut2 = Background(gate);
        var click = Interactive(gate);
        var reply = Interactive(gate);

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(click.IsCompleted);
        Assert.False(reply.IsCompleted || fanOut1.IsCompleted || fanOut2.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(reply.IsCompleted); // interactive requests among themselves: first come, first served
        Assert.False(fanOut1.IsCompleted || fanOut2.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(fanOut1.IsCompleted);
        Assert.False(fanOut2.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(fanOut2.IsCompleted);
    }

    [Fact]
    public async Task A_request_cancelled_while_it_waits_gives_its_slot_to_the_next()
    {
        var time = new ObservableTimeProvider();
        var gate = new RequestRateGate(1, time);
        Assert.True(Background(gate).IsCompleted);
        using var cancel = new CancellationTokenSource();

        var abandoned = gate.WaitAsync(ConnectorPriority.Interactive, cancel.Token);
        var next = Background(gate);
        cancel.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => abandoned.WaitAsync(TimeSpan.FromSeconds(20)));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(next.IsCompletedSuccessfully);
        Assert.Equal(0, gate.Waiting);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Interactive_first_can_be_switched_off_for_comparison(bool prioritize)
    {
        var time = new ObservableTimeProvider();
        var options = new Hosting.BotOptions();
        options.Connector.GlobalRequestsPerSecond = 1;
        options.Connector.PrioritizeInteractive = prioritize;
        var limits = new ConnectorRateLimits(Microsoft.Extensions.Options.Options.Create(options), time);
        Assert.True(limits.WaitForSlotAsync("a:0", ConnectorPriority.Background, CancellationToken.None).AsTask().IsCompleted);

        var fanOut = limits.WaitForSlotAsync("a:1", ConnectorPriority.Background, CancellationToken.None).AsTask();
        var click = limits.WaitForSlotAsync("a:2", ConnectorPriority.Interactive, CancellationToken.None).AsTask();
        Assert.Equal(2, limits.WaitingForGlobalSlot);
        time.Advance(ConnectorRateLimits.Guarded(1, TimeSpan.FromSeconds(1)).Window);

        // One slot came free: the other request waits for the next one.
        var first = await Task.WhenAny(click, fanOut).WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Same(prioritize ? click : fanOut, first);
        Assert.Equal(1, limits.WaitingForGlobalSlot);
    }

    [Fact]
    public void A_conversation_gets_at_most_60_messages_in_30_seconds_and_1800_an_hour()
    {
        var time = new ObservableTimeProvider();
        var limits = new ConnectorRateLimits(Microsoft.Extensions.Options.Options.Create(new Hosting.BotOptions()), time);
        var gate = limits.ConversationGate("a:1");
        var start = time.GetUtcNow();
        var pending = Enumerable.Range(0, 1801).Select(_ => Background(gate)).ToList();
        var slots = new List<DateTimeOffset>();

        AdvanceRecording(time, gate, TimeSpan.FromHours(1.1), pending, slots);

        Assert.Equal(1801, slots.Count);
        Assert.Equal(start + ConnectorRateLimits.Guarded(7, TimeSpan.FromSeconds(1)).Window, slots[7]);
        Assert.True(slots[60] >= slots[0].AddSeconds(30));
        Assert.True(slots[1800] >= slots[0].AddHours(1));
        Assert.True(Background(limits.ConversationGate("a:2")).IsCompleted);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_reply_inside_a_turn_goes_to_Teams_ahead_of_queued_fan_out_sends(bool prioritize)
    {
        var settings = new Dictionary<string, string?>(Settings.Production())
        {
            ["Bot:Connector:GlobalRequestsPerSecond"] = "1",
            ["Bot:Connector:PrioritizeInteractive"] = prioritize ? "true" : "false",
        };
        using var rig = new ConnectorRig((_, _) => ConnectorRig.Created(), settings);

        // The fan-out has spent this second's budget and queued two more prompts.
        var sends = new List<Task> { rig.Client.SendToConversationAsync(TestConstants.ServiceUrl, "a:prompt-0", Message, CancellationToken.None) };
        await rig.Connector.WaitForCountAsync(1);
        sends.Add(rig.Client.SendToConversationAsync(TestConstants.ServiceUrl, "a:prompt-1", Message, CancellationToken.None));
        sends.Add(rig.Client.SendToConversationAsync(TestConstants.ServiceUrl, "a:prompt-2", Message, CancellationToken.None));
        Assert.True(SpinWait.SpinUntil(() => rig.Limits.WaitingForGlobalSlot == 2, TimeSpan.FromSeconds(20)));

        // A turn replies to its user (the turn pipeline sets this scope, BotEndpoint).
        using (ConnectorTraffic.Use(ConnectorPriority.Interactive))
        {
            sends.Add(rig.Client.SendToConversationAsync(TestConstants.ServiceUrl, "a:reply", Message, CancellationToken.None));
        }

        Assert.True(SpinWait.SpinUntil(() => rig.Limits.WaitingForGlobalSlot == 3, TimeSpan.FromSeconds(20)));
        var due = await rig.Time.ShortTimers.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(20));
        rig.Time.Advance(due);
        await rig.Connector.WaitForCountAsync(2);

        Assert.EndsWith(prioritize ? "/a%3Areply/activities" : "/a%3Aprompt-1/activities", rig.Connector.Requests[1].Uri.AbsolutePath, StringComparison.Ordinal);
        await rig.Time.DriveAsync(Task.WhenAll(sends).ContinueWith(_ => true, TaskScheduler.Default));
        Assert.Equal(4, rig.Connector.Count);
    }

    [Fact]
    public async Task The_eighth_message_to_one_conversation_waits_a_second()
    {
        // A global budget far above the conversation's, so only the conversation's rule spaces these sends.
        using var rig = new ConnectorRig((_, _) => ConnectorRig.Created(), ConnectorRig.With("Bot:Connector:GlobalRequestsPerSecond", "1000"));
        var start = rig.Time.GetUtcNow();

        var sends = Enumerable.Range(0, 8).Select(_ => rig.Client.SendToConversationAsync(TestConstants.ServiceUrl, "a:busy", Message, CancellationToken.None)).ToList();
        await rig.Connector.WaitForCountAsync(7);
        var due = await rig.Time.ShortTimers.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(20));

        // One second plus the guard that keeps us clear of the edge of Teams' own window.
        var window = ConnectorRateLimits.Guarded(7, TimeSpan.FromSeconds(1)).Window;
        Assert.True(window > TimeSpan.FromSeconds(1) && window <= TimeSpan.FromSeconds(1.1), $"window {window}");
        Assert.Equal(window, due);
        Assert.Equal(7, rig.Connector.Count);
        rig.Time.Advance(due);
        await Task.WhenAll(sends).WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(8, rig.Connector.Count);
        Assert.Equal(start + window, rig.Connector.Requests[7].At);
    }

    [Fact]
    public async Task The_global_budget_spans_conversations_and_is_paced_within_the_second()
    {
        using var rig = new ConnectorRig((_, _) => ConnectorRig.Created());
        var start = rig.Time.GetUtcNow();

        // Four conversations, one message each: no per-conversation rule binds, the global pace (3 per tick at 30/s) does.
        var sends = Enumerable.Range(0, 4).Select(i => rig.Client.SendToConversationAsync(TestConstants.ServiceUrl, $"a:{i}", Message, CancellationToken.None)).ToList();
        await rig.Connector.WaitForCountAsync(3);
        var due = await rig.Time.ShortTimers.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(TimeSpan.FromMilliseconds(105), due);
        Assert.Equal(3, rig.Connector.Count);
        rig.Time.Advance(due);
        await Task.WhenAll(sends).WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(4, rig.Connector.Count);
        Assert.Equal(start + due, rig.Connector.Requests[3].At);
    }

    private static ConnectorRateLimits DefaultLimits(ObservableTimeProvider time) =>
        new(Microsoft.Extensions.Options.Options.Create(new Hosting.BotOptions()), time);

    /// <summary>A request for a global slot, on the gate itself so that its grant is seen at the instant the fake clock reaches it.</summary>
    private static Task GlobalSlot(ConnectorRateLimits limits, ConnectorPriority priority) =>
        limits.GlobalGate.WaitAsync(priority, CancellationToken.None);

    [Fact]
    public void A_fan_out_backlog_gets_the_global_budget_a_tenth_at_a_time_not_in_a_burst_at_the_start_of_each_second()
    {
        var time = new ObservableTimeProvider();
        var limits = DefaultLimits(time);
        var start = time.GetUtcNow();
        var pending = Enumerable.Range(0, 90).Select(_ => GlobalSlot(limits, ConnectorPriority.Background)).ToList();
        var slots = new List<DateTimeOffset>();

        AdvanceRecording(time, limits, TimeSpan.FromSeconds(5), pending, slots);

        Assert.Empty(pending);
        var tick = TimeSpan.FromMilliseconds(105);
        for (var i = 0; i < slots.Count; i++)
        {
            // 3 at once, then 3 more every 105 ms: 30 per 1.05 s, the same throughput as before, spread over the second.
            Assert.Equal(start + (i / 3 * tick), slots[i]);
        }

        Assert.Equal(start + TimeSpan.FromSeconds(1.05), slots[30]);
    }

    [Theory]
    [InlineData(30)]
    [InlineData(50)]
    [InlineData(25)]
    [InlineData(7)]
    [InlineData(1)]
    public void The_global_pace_never_lets_more_than_the_budget_into_any_second_and_spreads_it_over_the_second(int perSecond)
    {
        var time = new ObservableTimeProvider();
        var options = new Hosting.BotOptions();
        options.Connector.GlobalRequestsPerSecond = perSecond;
        var limits = new ConnectorRateLimits(Microsoft.Extensions.Options.Options.Create(options), time);
        var random = new Random(perSecond);
        var pending = new List<Task>();
        var slots = new List<DateTimeOffset>();
        for (var i = 0; i < 20 * perSecond; i++)
        {
            pending.Add(GlobalSlot(limits, random.Next(4) == 0 ? ConnectorPriority.Interactive : ConnectorPriority.Background));
            AdvanceRecording(time, limits, TimeSpan.FromMilliseconds(random.Next(3) == 0 ? random.Next(400) : 0), pending, slots);
        }

        AdvanceRecording(time, limits, TimeSpan.FromMinutes(2), pending, slots);

        Assert.Empty(pending);
        for (var i = perSecond; i < slots.Count; i++)
        {
            // Teams' own rule (any one second), with the guard: never more than the budget in 1.05 s.
            Assert.True(slots[i] - slots[i - perSecond] >= TimeSpan.FromSeconds(1.05), $"slot {i}");
        }

        var perTick = (perSecond + 9) / 10;
        for (var i = perTick; i < slots.Count; i++)
        {
            // Paced: never more than a tenth of the budget (at least one request) in any tenth of a second.
            Assert.True(slots[i] - slots[i - perTick] >= TimeSpan.FromTicks(TimeSpan.TicksPerSecond * perTick / perSecond), $"slot {i}");
        }
    }

    [Theory]
    [InlineData(0.31)]
    [InlineData(0.5)]
    [InlineData(0.9)]
    public void An_interactive_request_arriving_mid_second_during_a_fan_out_gets_a_slot_within_a_tick(double arrivesAfterSeconds)
    {
        var time = new ObservableTimeProvider();
        var limits = DefaultLimits(time);
        var fanOut = Enumerable.Range(0, 300).Select(_ => GlobalSlot(limits, ConnectorPriority.Background)).ToList();
        var slots = new List<DateTimeOffset>();
        AdvanceRecording(time, limits, TimeSpan.FromSeconds(arrivesAfterSeconds), fanOut, slots);

        var arrived = time.GetUtcNow();
        var click = GlobalSlot(limits, ConnectorPriority.Interactive);
        var granted = new List<DateTimeOffset>();
        AdvanceRecording(time, limits, TimeSpan.FromSeconds(2), [click], granted);

        // With the whole budget granted at the start of each second it waited for the next second (up to ~0.7 s here).
        Assert.Single(granted);
        Assert.True(granted[0] - arrived <= TimeSpan.FromMilliseconds(105), $"waited {granted[0] - arrived}");
        Assert.True(limits.WaitingForGlobalSlot > 0); // the fan-out was still queued: the click went ahead of it
    }

    [Fact]
    public void Conversation_key_comes_from_options_or_the_path()
    {
        using var fromPath = new HttpRequestMessage(HttpMethod.Post, "https://x/emea/v3/conversations/19%3Aa%40thread.tacv2/activities");
        using var fromOptions = new HttpRequestMessage(HttpMethod.Post, "https://x/v3/conversations");
        fromOptions.Options.Set(ConnectorRequestOptions.ConversationId, "a:1");

        Assert.Equal("19:a@thread.tacv2", ConnectorRateLimitHandler.ConversationKey(fromPath));
        Assert.Equal("a:1", ConnectorRateLimitHandler.ConversationKey(fromOptions));
    }
}
