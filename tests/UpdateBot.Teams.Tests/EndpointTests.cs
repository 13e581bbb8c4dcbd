using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using UpdateBot.Teams.Hosting;
using UpdateBot.Teams.Schema;

namespace UpdateBot.Teams.Tests;

/// <summary>The /api/messages pipeline on a real Kestrel host in development mode (loopback, no token).</summary>
public sealed class EndpointTests : IAsyncLifetime
{
    private BotHost host = null!;

    public async Task InitializeAsync() => host = await BotHost.StartAsync(Settings.Development());

    public async Task DisposeAsync() => await host.DisposeAsync();

    private Task<HttpResponseMessage> PostAsync(string body) =>
        host.Client.PostAsync("/api/messages", new StringContent(body, Encoding.UTF8, "application/json"));

    /// <summary>The least an activity may carry and still be admitted (docs/protocol.md, "The activity boundary").</summary>
    private static string Minimal(string type, string id, string conversationId) =>
        JsonSerializer.Serialize(new
        {
            type,
            id,
            channelId = "msteams",
            serviceUrl = "https://smba.trafficmanager.net/emea/",
            from = new { id = "29:user" },
            recipient = new { id = "28:bot" },
            conversation = new { id = conversationId },
        });

    [Fact]
    public async Task A_message_is_handled_and_answered_200_with_an_empty_body()
    {
        using var response = await PostAsync(ActivityRoundTripTests.Load("personal-message.json"));

        Assert.NotEqual(5000, host.Address.Port); // a port of our own, not the default
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        var activity = Assert.Single(host.Log.Activities);
        Assert.Equal("shipped the new billing page", activity.Text);
    }

    [Fact]
    public async Task Get_is_405()
    {
        using var response = await host.Client.GetAsync("/api/messages");

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
    }

    [Theory]
    [InlineData("{ not json")]
    [InlineData("""{"id":"1","text":"no type"}""")]
    [InlineData("""{"type":""}""")]
    [InlineData("[1,2]")]
    public async Task Malformed_or_typeless_body_is_400(string body)
    {
        using var response = await PostAsync(body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(host.Log.Activities);
    }

    [Fact]
    public async Task Body_over_the_limit_is_413()
    {
        var text = new string('x', 300 * 1024);
        using var response = await PostAsync(JsonSerializer.Serialize(new { type = "message", text }));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Empty(host.Log.Activities);
    }

    [Fact]
    public async Task Body_over_the_limit_without_content_length_is_413()
    {
        var text = new string('x', 300 * 1024);
        var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { type = "message", text }))));
        content.Headers.ContentType = new("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/messages") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        using var response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task Unknown_activity_type_reaches_the_handler_and_gets_200()
    {
        using var response = await PostAsync(Minimal("someFutureType", "u1", "a:1"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("someFutureType", Assert.Single(host.Log.Activities).Type);
    }

    [Fact]
    public async Task A_redelivered_message_is_processed_once()
    {
        var body = ActivityRoundTripTests.Load("personal-message.json");

        using var first = await PostAsync(body);
        using var second = await PostAsync(body);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Single(host.Log.Activities);
    }

    [Fact]
    public async Task Same_id_in_another_conversation_is_not_a_duplicate()
    {
        using var first = await PostAsync(Minimal("message", "7", "a:1"));
        using var second = await PostAsync(Minimal("message", "7", "a:2"));

        Assert.Equal(2, host.Log.Activities.Count);
    }

    [Fact]
    public async Task Invoke_answers_with_the_handlers_status_and_json_body_and_repeats_it_for_a_redelivery()
    {
        var calls = 0;
        host.Log.Answer = activity =>
        {
            calls++;
            return AdaptiveCardInvokeResponse.Message($"saved {calls}").ToInvokeResponse();
        };
        var body = ActivityRoundTripTests.Load("adaptive-card-action.json");

        using var first = await PostAsync(body);
        using var second = await PostAsync(body);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("application/json; charset=utf-8", first.Content.Headers.ContentType!.ToString());
        var json = await first.Content.ReadAsStringAsync();
        Assert.Equal("""{"statusCode":200,"type":"application/vnd.microsoft.activity.message","value":"saved 1"}""", json);
        Assert.Equal(json, await second.Content.ReadAsStringAsync());
        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task Invoke_status_is_taken_from_the_invoke_response()
    {
        host.Log.Answer = _ => new InvokeResponse(400, new { error = "bad" });

        using var response = await PostAsync(ActivityRoundTripTests.Load("adaptive-card-action.json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("""{"error":"bad"}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Invoke_without_a_response_is_200_empty()
    {
        using var response = await PostAsync(ActivityRoundTripTests.Load("adaptive-card-action.json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task A_failing_handler_gives_500_and_the_retry_is_processed_again()
    {
        var failures = 1;
        host.Log.Before = _ => failures-- > 0 ? throw new InvalidOperationException("boom") : Task.CompletedTask;
        var body = ActivityRoundTripTests.Load("personal-message.json");

        using var first = await PostAsync(body);
        using var retry = await PostAsync(body);

        Assert.Equal(HttpStatusCode.InternalServerError, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal(2, host.Log.Activities.Count);
    }

    [Fact]
    public async Task Concurrent_redelivery_waits_for_the_first_delivery()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        host.Log.Before = _ =>
        {
            entered.TrySetResult();
            return release.Task;
        };
        host.Log.Answer = _ => InvokeResponse.Ok(new { n = 1 });
        var body = ActivityRoundTripTests.Load("adaptive-card-action.json");

        var first = PostAsync(body);
        await entered.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var second = PostAsync(body);
        release.SetResult();
        using var a = await first;
        using var b = await second;

        Assert.Equal("""{"n":1}""", await a.Content.ReadAsStringAsync());
        Assert.Equal("""{"n":1}""", await b.Content.ReadAsStringAsync());
        Assert.Single(host.Log.Activities);
    }
}

public sealed class BotOptionsTests
{
    private static BotOptions Resolve(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        using var services = TestServices.Create().AddTeamsBot(configuration).BuildServiceProvider();
        return services.GetRequiredService<IOptions<BotOptions>>().Value;
    }

    [Fact]
    public void No_app_id_and_no_development_mode_fails_with_a_clear_message()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Resolve([]));

        Assert.Contains("Bot:AppId is not configured", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void App_id_together_with_anonymous_loopback_is_refused() =>
        Assert.Throws<OptionsValidationException>(() => Resolve(new(Settings.Production()) { ["Bot:AllowAnonymousLoopback"] = "true" }));

    [Fact]
    public void Single_tenant_needs_a_secret_or_a_certificate() =>
        Assert.Throws<OptionsValidationException>(() => Resolve(new(Settings.Production()) { ["Bot:ClientSecret"] = null }));

    [Fact]
    public void Managed_identity_needs_the_tenant_so_other_tenants_can_be_refused()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Resolve(new() { ["Bot:AppId"] = TestConstants.AppId, ["Bot:AppType"] = "UserAssignedMSI" }));

        Assert.Contains("Bot:TenantId is required", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Managed_identity_needs_no_secret()
    {
        var options = Resolve(new() { ["Bot:AppId"] = TestConstants.AppId, ["Bot:TenantId"] = TestConstants.TenantId, ["Bot:AppType"] = "UserAssignedMSI" });

        Assert.Equal(BotAppType.UserAssignedMSI, options.AppType);
    }

    [Fact]
    public void Defaults_match_the_protocol()
    {
        var options = Resolve(Settings.Development());

        Assert.True(options.IsDevelopmentMode);
        Assert.Equal(256 * 1024, options.MaxRequestBodyBytes);
        Assert.Equal(30, options.Connector.GlobalRequestsPerSecond);
        Assert.Equal(7, options.Connector.PerConversationRequestsPerSecond);
        Assert.Equal("https://login.botframework.com/v1/.well-known/openidconfiguration", options.OpenIdMetadataUrl.AbsoluteUri);
    }

    [Fact]
    public void Connector_limits_bind_from_configuration()
    {
        var options = Resolve(new(Settings.Development())
        {
            ["Bot:Connector:GlobalRequestsPerSecond"] = "12",
            ["Bot:Connector:MaxRetryDelay"] = "00:00:05",
            ["Bot:TrustedServiceUrls:0"] = "https://smba.infra.gcc.teams.microsoft.com/teams",
        });

        Assert.Equal(12, options.Connector.GlobalRequestsPerSecond);
        Assert.Equal(TimeSpan.FromSeconds(5), options.Connector.MaxRetryDelay);
        Assert.Single(options.TrustedServiceUrls);
    }
}
