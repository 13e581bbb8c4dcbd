using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using UpdateBot.Teams.Authentication;
using UpdateBot.Teams.Hosting;
using UpdateBot.Teams.Schema;

namespace UpdateBot.Teams.Tests;

/// <summary>protocol.md §3.1 and §13 items 1–2, against a local OpenID metadata + JWKS server with keys made in the test.</summary>
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
        services = new ServiceCollection().AddLogging().AddTeamsBot(configuration).BuildServiceProvider();
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

    [Fact]
    public async Task Single_tenant_entra_token_is_accepted_without_endorsement()
    {
        await using var entra = EntraServices();
        var token = TestTokens.Create(otherChannelKey, issuer: $"https://login.microsoftonline.com/{TestConstants.TenantId}/v2.0");

        var result = await entra.GetRequiredService<BotAuthenticator>().AuthenticateAsync("Bearer " + token, IPAddress.Loopback, TeamsActivity(), CancellationToken.None);

        Assert.True(result.IsAuthenticated, result.FailureReason);
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
        var token = TestTokens.Create(teamsKey, issuer: $"https://sts.windows.net/{TestConstants.TenantId}/", serviceUrl: "https://attacker.example/");

        var result = await entra.GetRequiredService<BotAuthenticator>().AuthenticateAsync("Bearer " + token, IPAddress.Loopback, TeamsActivity(), CancellationToken.None);

        Assert.False(result.IsAuthenticated);
    }

    private ServiceProvider EntraServices()
    {
        // The local server stands in for the Entra metadata too: only the issuer differs between the two paths.
        var settings = new Dictionary<string, string?>(Settings.Production(server.MetadataUrl)) { ["Bot:EntraOpenIdMetadataUrl"] = server.MetadataUrl };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddLogging().AddTeamsBot(configuration).BuildServiceProvider();
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
        await using var dev = new ServiceCollection().AddLogging().AddTeamsBot(configuration).BuildServiceProvider();
        var authenticator = dev.GetRequiredService<BotAuthenticator>();

        var loopback = await authenticator.AuthenticateAsync(null, IPAddress.IPv6Loopback, TeamsActivity(), CancellationToken.None);
        var remote = await authenticator.AuthenticateAsync(null, IPAddress.Parse("10.1.2.3"), TeamsActivity(), CancellationToken.None);

        var mapped = await authenticator.AuthenticateAsync(null, IPAddress.Loopback.MapToIPv6(), TeamsActivity(), CancellationToken.None);

        Assert.True(loopback.IsAnonymous);
        Assert.True(mapped.IsAnonymous);
        Assert.False(remote.IsAuthenticated);
    }
}
