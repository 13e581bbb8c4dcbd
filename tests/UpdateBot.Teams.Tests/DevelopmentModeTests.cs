using System.Net;
using UpdateBot.Teams.Hosting;

namespace UpdateBot.Teams.Tests;

/// <summary>
/// Development mode (no authentication) starts only when every safety condition holds, and says why when one does not
/// (docs/protocol.md, "Development mode").
/// </summary>
public sealed class DevelopmentModeTests
{
    [Theory]
    [InlineData("Production")]
    [InlineData("Staging")]
    public async Task Refuses_to_start_outside_the_Development_environment(string environment)
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => BotHost.StartAsync(Settings.Development(), environment: environment));

        Assert.Contains("runs only when ASPNETCORE_ENVIRONMENT=Development", error.ToString(), StringComparison.Ordinal);
        Assert.Contains($"'{environment}'", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refuses_to_start_with_an_app_id()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => BotHost.StartAsync(new(Settings.Production()) { ["Bot:AllowAnonymousLoopback"] = "true" }));

        Assert.Contains("only allowed when Bot:AppId is empty", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refuses_to_start_with_forwarded_headers_enabled()
    {
        // ASPNETCORE_FORWARDEDHEADERS_ENABLED reaches configuration as FORWARDEDHEADERS_ENABLED (App Service sets it on Linux).
        var error = await Assert.ThrowsAnyAsync<Exception>(() => BotHost.StartAsync(new(Settings.Development()) { ["FORWARDEDHEADERS_ENABLED"] = "true" }));

        Assert.Contains("ASPNETCORE_FORWARDEDHEADERS_ENABLED", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refuses_to_start_listening_beyond_loopback()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => BotHost.StartAsync(Settings.Development(), urls: "http://0.0.0.0:0"));

        Assert.Contains("must listen on loopback only", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Starts_on_loopback_in_Development_and_answers_a_direct_loopback_caller()
    {
        await using var host = await BotHost.StartAsync(Settings.Development());

        using var response = await host.Client.PostAsync("/api/messages", Json(ActivityRoundTripTests.Load("personal-message.json")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(host.Log.Activities);
    }

    [Theory]
    [InlineData("X-Forwarded-For", "203.0.113.7")]
    [InlineData("X-Original-For", "203.0.113.7:443")]
    [InlineData("Forwarded", "for=203.0.113.7")]
    public async Task A_request_that_came_through_a_proxy_is_refused_even_from_loopback(string header, string value)
    {
        await using var host = await BotHost.StartAsync(Settings.Development());
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/messages") { Content = Json(ActivityRoundTripTests.Load("personal-message.json")) };
        request.Headers.TryAddWithoutValidation(header, value);

        using var response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(host.Log.Activities);
    }

    [Theory]
    [InlineData("http://127.0.0.1:3978", true)]
    [InlineData("http://127.1.2.3:3978", true)]
    [InlineData("http://localhost:5000", true)]
    [InlineData("http://[::1]:5000", true)]
    [InlineData("http://0.0.0.0:3978", false)]
    [InlineData("http://[::]:3978", false)]
    [InlineData("http://*:3978", false)]
    [InlineData("http://+:3978", false)]
    [InlineData("http://192.168.1.20:3978", false)]
    [InlineData("http://bot.example:80", false)]
    public void Loopback_addresses_are_told_apart_from_wildcards_and_others(string address, bool loopback) =>
        Assert.Equal(loopback, BotStartupReport.IsLoopbackAddress(address));

    private static StringContent Json(string body) => new(body, System.Text.Encoding.UTF8, "application/json");
}
