using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using UpdateBot.Teams.Authentication;
using UpdateBot.Teams.Hosting;
using UpdateBot.Teams.Schema;

namespace UpdateBot.Teams.Tests;

/// <summary>docs/protocol.md, "Inbound tokens", against a local OpenID metadata + JWKS server with keys made in the test.</summary>
public sealed class InboundAuthenticationTests : IAsyncLifetime
{
    private readonly TestSigningKey teamsKey = new("key-1", "msteams", "skype");
    private readonly TestSigningKey otherChannelKey = new("key-skype-only", "skype");
    private OpenIdTestServer server = null!;
    private ServiceProvider services = null!;

    public async Task InitializeAsync()
    {
        server = await OpenIdTestServer.StartAsync(teamsKey, otherChannelKey);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(Settings.Production(server.MetadataUrl)).Build();
        services = TestServices.Create().AddTeamsBot(configuration).BuildServiceProvider();
    }

    public async Task DisposeAsync()
    {
        await services.DisposeAsync();
        await server.DisposeAsync();
        teamsKey.Dispose();
        otherChannelKey.Dispose();
    }

    private BotAuthenticator Authenticator => services.GetRequiredService<BotAuthenticator>();

    private static Activity TeamsActivity(string serviceUrl = TestConstants.ServiceUrl) =>
        new() { Type = ActivityTypes.Message, Id = "1", ChannelId = "msteams", ServiceUrl = serviceUrl, Conversation = new ConversationAccount { Id = "a:1" } };

    private Task<InboundAuthenticationResult> AuthenticateAsync(string? token, Activity? activity = null) =>
        Authenticator.AuthenticateAsync(token is null ? null : "Bearer " + token, IPAddress.Loopback, activity ?? TeamsActivity(), CancellationToken.None);

    [Fact]
    public async Task A_valid_Teams_token_is_accepted_and_its_service_url_becomes_trusted()
    {
        var trusted = services.GetRequiredService<TrustedServiceUrls>();
        var serviceUrl = "https://smba.trafficmanager.net.example/amer/";
        Assert.False(trusted.IsTrusted(new Uri(serviceUrl + "v3/conversations")));

        var result = await AuthenticateAsync(TestTokens.Create(teamsKey, serviceUrl: serviceUrl), TeamsActivity(serviceUrl));

        Assert.True(result.IsAuthenticated, result.FailureReason);
        Assert.False(result.IsAnonymous);
        Assert.True(trusted.IsTrusted(new Uri(serviceUrl + "v3/conversations")));
    }

    [Fact]
    public async Task Service_url_claim_is_compared_ignoring_case()
    {
        var result = await AuthenticateAsync(TestTokens.Create(teamsKey, serviceUrl: TestConstants.ServiceUrl.ToUpperInvariant()));

        Assert.True(result.IsAuthenticated, result.FailureReason);
    }

    [Fact]
    public async Task Missing_header_is_rejected() => Assert.False((await AuthenticateAsync(null)).IsAuthenticated);

    [Fact]
    public async Task Wrong_scheme_is_rejected()
    {
        var result = await Authenticator.AuthenticateAsync("Basic " + TestTokens.Create(teamsKey), IPAddress.Loopback, TeamsActivity(), CancellationToken.None);

        Assert.False(result.IsAuthenticated);
    }

    [Theory]
    [InlineData("aaa.bbb.ccc")]
    [InlineData("not-a-jwt")]
    [InlineData("eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJodHRwczovL2FwaS5ib3RmcmFtZXdvcmsuY29tIn0.c2ln")]
    public async Task Garbage_tokens_are_rejected_not_crashed_on(string token) =>
        Assert.False((await AuthenticateAsync(token)).IsAuthenticated);

    private static Dictionary<string, object> Caller(string version, string appId) =>
        version == "2.0" ? new() { ["ver"] = "2.0", ["azp"] = appId } : new() { ["ver"] = "1.0", ["appid"] = appId };

    private static string EntraIssuer(string version) =>
        version == "2.0" ? $"https://login.microsoftonline.com/{TestConstants.TenantId}/v2.0" : $"https://sts.windows.net/{TestConstants.TenantId}/";

    [Theory]
    [InlineData("1.0")]
    [InlineData("2.0")]
    public async Task Single_tenant_entra_token_from_the_bot_itself_is_accepted_without_endorsement(string version)
    {
        await using var entra = EntraServices();
        var token = TestTokens.Create(otherChannelKey, issuer: EntraIssuer(version), extraClaims: Caller(version, TestConstants.AppId));

        var result = await entra.GetRequiredService<BotAuthenticator>().AuthenticateAsync("Bearer " + token, IPAddress.Loopback, TeamsActivity(), CancellationToken.None);

        Assert.True(result.IsAuthenticated, result.FailureReason);
    }

    [Theory]
    [InlineData("1.0")]
    [InlineData("2.0")]
    public async Task Entra_token_from_another_app_in_the_tenant_is_rejected(string version)
    {
        await using var entra = EntraServices();
        var token = TestTokens.Create(teamsKey, issuer: EntraIssuer(version), extraClaims: Caller(version, "77777777-0000-0000-0000-000000000000"));

        var result = await entra.GetRequiredService<BotAuthenticator>().AuthenticateAsync("Bearer " + token, IPAddress.Loopback, TeamsActivity(), CancellationToken.None);

        Assert.False(result.IsAuthenticated);
        Assert.Contains("caller", result.FailureReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Entra_token_naming_the_caller_in_the_claim_of_the_other_version_is_rejected()
    {
        // A v2 token must name its caller in azp; an appid claim there is not the issuer's statement of the caller.
        await using var entra = EntraServices();
        var token = TestTokens.Create(teamsKey, issuer: EntraIssuer("2.0"), extraClaims: new Dictionary<string, object> { ["ver"] = "2.0", ["appid"] = TestConstants.AppId });

        var result = await entra.GetRequiredService<BotAuthenticator>().AuthenticateAsync("Bearer " + token, IPAddress.Loopback, TeamsActivity(), CancellationToken.None);

        Assert.False(result.IsAuthenticated);
    }

    [Fact]
    public async Task Entra_token_from_a_configured_caller_is_accepted()
    {
        const string partner = "88888888-0000-0000-0000-000000000000";
        await using var entra = EntraServices(new() { ["Bot:AllowedCallerAppIds:0"] = partner });
        var ours = TestTokens.Create(teamsKey, issuer: EntraIssuer("2.0"), extraClaims: Caller("2.0", TestConstants.AppId));
        var theirs = TestTokens.Create(teamsKey, issuer: EntraIssuer("2.0"), extraClaims: Caller("2.0", partner));
        var authenticator = entra.GetRequiredService<BotAuthenticator>();

        Assert.True((await authenticator.AuthenticateAsync("Bearer " + theirs, IPAddress.Loopback, TeamsActivity(), CancellationToken.None)).IsAuthenticated);
        Assert.False((await authenticator.AuthenticateAsync("Bearer " + ours, IPAddress.Loopback, TeamsActivity(), CancellationToken.None)).IsAuthenticated);
    }

    [Theory]
    [InlineData("1.0")]
    [InlineData("2.0")]
    public async Task Entra_token_without_a_service_url_claim_is_rejected_and_its_url_not_trusted(string version)
    {
        await using var entra = EntraServices();
        var token = TestTokens.Create(teamsKey, issuer: EntraIssuer(version), serviceUrl: null, extraClaims: Caller(version, TestConstants.AppId));
        var activity = TeamsActivity("https://not-vouched-for.example/");

        var result = await entra.GetRequiredService<BotAuthenticator>().AuthenticateAsync("Bearer " + token, IPAddress.Loopback, activity, CancellationToken.None);

        Assert.False(result.IsAuthenticated);
        Assert.False(entra.GetRequiredService<TrustedServiceUrls>().IsTrusted(new Uri("https://not-vouched-for.example/v3/conversations")));
    }

    [Fact]
    public async Task Entra_token_from_another_tenant_is_rejected()
    {
        await using var entra = EntraServices();
        var token = TestTokens.Create(teamsKey, issuer: "https://sts.windows.net/00000000-0000-0000-0000-000000000000/");

        var result = await entra.GetRequiredService<BotAuthenticator>().AuthenticateAsync("Bearer " + token, IPAddress.Loopback, TeamsActivity(), CancellationToken.None);

        Assert.False(result.IsAuthenticated);
    }

    [Fact]
    public async Task Entra_token_with_a_mismatched_service_url_is_rejected()
    {
        await using var entra = EntraServices();
        var token = TestTokens.Create(teamsKey, issuer: EntraIssuer("1.0"), serviceUrl: "https://attacker.example/", extraClaims: Caller("1.0", TestConstants.AppId));

        var result = await entra.GetRequiredService<BotAuthenticator>().AuthenticateAsync("Bearer " + token, IPAddress.Loopback, TeamsActivity(), CancellationToken.None);

        Assert.False(result.IsAuthenticated);
    }

    private ServiceProvider EntraServices(Dictionary<string, string?>? extra = null)
    {
        // The local server stands in for the Entra metadata too: only the issuer differs between the two paths.
        var settings = new Dictionary<string, string?>(Settings.Production(server.MetadataUrl)) { ["Bot:EntraOpenIdMetadataUrl"] = server.MetadataUrl };
        foreach (var (key, value) in extra ?? [])
        {
            settings[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return TestServices.Create().AddTeamsBot(configuration).BuildServiceProvider();
    }

    [Fact]
    public async Task Wrong_issuer_is_rejected() =>
        Assert.False((await AuthenticateAsync(TestTokens.Create(teamsKey, issuer: "https://sts.windows.net/attacker/"))).IsAuthenticated);

    [Fact]
    public async Task Wrong_audience_is_rejected() =>
        Assert.False((await AuthenticateAsync(TestTokens.Create(teamsKey, audience: "someone-else"))).IsAuthenticated);

    [Fact]
    public async Task Expired_token_beyond_the_skew_is_rejected()
    {
        var token = TestTokens.Create(teamsKey, notBefore: DateTime.UtcNow.AddHours(-2), expires: DateTime.UtcNow.AddMinutes(-6));

        Assert.False((await AuthenticateAsync(token)).IsAuthenticated);
    }

    [Fact]
    public async Task Token_expired_within_the_five_minute_skew_is_accepted()
    {
        var token = TestTokens.Create(teamsKey, notBefore: DateTime.UtcNow.AddHours(-1), expires: DateTime.UtcNow.AddMinutes(-3));

        Assert.True((await AuthenticateAsync(token)).IsAuthenticated);
    }

    [Fact]
    public async Task Unsigned_alg_none_token_is_rejected() =>
        Assert.False((await AuthenticateAsync(TestTokens.Unsigned(teamsKey.Kid))).IsAuthenticated);

    [Fact]
    public async Task Token_signed_by_a_key_not_endorsed_for_msteams_is_rejected()
    {
        var result = await AuthenticateAsync(TestTokens.Create(otherChannelKey));

        Assert.False(result.IsAuthenticated);
        Assert.Contains("endorsed", result.FailureReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Token_signed_by_an_unknown_key_is_rejected()
    {
        using var stranger = new TestSigningKey("key-1", "msteams"); // same kid, different key material

        Assert.False((await AuthenticateAsync(TestTokens.Create(stranger))).IsAuthenticated);
    }

    [Fact]
    public async Task Service_url_mismatch_is_rejected()
    {
        var token = TestTokens.Create(teamsKey, serviceUrl: "https://attacker.example/");

        Assert.False((await AuthenticateAsync(token)).IsAuthenticated);
        Assert.False(services.GetRequiredService<TrustedServiceUrls>().IsTrusted(new Uri("https://attacker.example/v3/conversations")));
    }

    [Fact]
    public async Task Missing_service_url_claim_is_rejected() =>
        Assert.False((await AuthenticateAsync(TestTokens.Create(teamsKey, serviceUrl: null))).IsAuthenticated);

    [Fact]
    public async Task A_rotated_key_is_fetched_once_and_then_accepted()
    {
        Assert.True((await AuthenticateAsync(TestTokens.Create(teamsKey))).IsAuthenticated);
        var fetchesBefore = server.KeyRequests;

        using var rotated = new TestSigningKey("key-2", "msteams");
        server.SetKeys(rotated);
        var result = await AuthenticateAsync(TestTokens.Create(rotated));

        Assert.True(result.IsAuthenticated, result.FailureReason);
        Assert.True(server.KeyRequests > fetchesBefore);
    }

    [Fact]
    public async Task Tokens_with_made_up_key_ids_never_discard_keys_that_still_validate()
    {
        Assert.True((await AuthenticateAsync(TestTokens.Create(teamsKey))).IsAuthenticated);
        using var forged = new TestSigningKey("random-kid-" + Guid.NewGuid().ToString("N"), "msteams");

        // The metadata host is down when the forged token forces a refresh: the known keys must survive it.
        server.Unavailable = true;
        Assert.False((await AuthenticateAsync(TestTokens.Create(forged))).IsAuthenticated);
        var afterForgery = await AuthenticateAsync(TestTokens.Create(teamsKey));

        Assert.True(afterForgery.IsAuthenticated, afterForgery.FailureReason);
    }

    [Fact]
    public async Task Refreshes_for_unknown_key_ids_are_rate_limited()
    {
        Assert.True((await AuthenticateAsync(TestTokens.Create(teamsKey))).IsAuthenticated);
        var fetchesBefore = server.KeyRequests;

        for (var i = 0; i < 20; i++)
        {
            using var forged = new TestSigningKey($"random-kid-{i}", "msteams");
            Assert.False((await AuthenticateAsync(TestTokens.Create(forged))).IsAuthenticated);
        }

        // One forced refresh reads the key document once for the keys and once for the endorsements; never per token.
        Assert.InRange(server.KeyRequests - fetchesBefore, 1, 2);
    }

    [Fact]
    public async Task Endpoint_answers_401_with_an_empty_body_and_does_not_process()
    {
        await using var host = await BotHost.StartAsync(Settings.Production(server.MetadataUrl));
        var body = ActivityRoundTripTests.Load("personal-message.json");

        using var anonymous = await host.Client.PostAsync("/api/messages", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        using var forged = new HttpRequestMessage(HttpMethod.Post, "/api/messages") { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
        forged.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TestTokens.Create(teamsKey, audience: "someone-else"));
        using var forgedResponse = await host.Client.SendAsync(forged);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, forgedResponse.StatusCode);
        Assert.Empty(await forgedResponse.Content.ReadAsByteArrayAsync());
        Assert.Empty(host.Log.Activities);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Basic dXNlcjpwYXNz")]
    [InlineData("Bearer")]
    public async Task Endpoint_refuses_a_request_without_a_bearer_token_before_reading_its_body(string? authorization)
    {
        // A body that is not even JSON: were it parsed first, the answer would be 400.
        await using var host = await BotHost.StartAsync(Settings.Production(server.MetadataUrl));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/messages") { Content = new StringContent("not json", System.Text.Encoding.UTF8, "application/json") };
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        using var response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(host.Log.Activities);
    }

    [Fact]
    public async Task Endpoint_processes_an_authenticated_activity()
    {
        await using var host = await BotHost.StartAsync(Settings.Production(server.MetadataUrl));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/messages")
        {
            Content = new StringContent(ActivityRoundTripTests.Load("personal-message.json"), System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TestTokens.Create(teamsKey));

        using var response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(host.Log.Activities);
    }

    [Fact]
    public async Task Development_mode_accepts_loopback_only()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(Settings.Development()).Build();
        await using var dev = TestServices.Create().AddTeamsBot(configuration).BuildServiceProvider();
        var authenticator = dev.GetRequiredService<BotAuthenticator>();

        var loopback = await authenticator.AuthenticateAsync(null, IPAddress.IPv6Loopback, TeamsActivity(), CancellationToken.None);
        var remote = await authenticator.AuthenticateAsync(null, IPAddress.Parse("10.1.2.3"), TeamsActivity(), CancellationToken.None);

        var mapped = await authenticator.AuthenticateAsync(null, IPAddress.Loopback.MapToIPv6(), TeamsActivity(), CancellationToken.None);

        Assert.True(loopback.IsAnonymous);
        Assert.True(mapped.IsAnonymous);
        Assert.False(remote.IsAuthenticated);
    }
}
