using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace UpdateBot.Teams.Tests;

/// <summary>
/// Only Teams, only our tenant (docs/protocol.md, "The activity boundary"): activities that carry an otherwise valid
/// Bot Framework token but come from another channel or another tenant are refused with 403 and never handled.
/// </summary>
public sealed class ChannelAndTenantTests : IAsyncLifetime
{
    // Bot Framework signing keys are endorsed for many channels; one key vouches for Teams, Web Chat and Direct Line.
    private readonly TestSigningKey key = new("key-all-channels", "msteams", "webchat", "directline", "skype");
    private OpenIdTestServer server = null!;
    private BotHost host = null!;

    public async Task InitializeAsync()
    {
        server = await OpenIdTestServer.StartAsync(key);
        host = await BotHost.StartAsync(Settings.Production(server.MetadataUrl));
    }

    public async Task DisposeAsync()
    {
        await host.DisposeAsync();
        await server.DisposeAsync();
        key.Dispose();
    }

    private static JsonObject TeamsMessage(string channelId = "msteams", string? conversationTenant = TestConstants.TenantId, string? channelDataTenant = TestConstants.TenantId)
    {
        var conversation = new JsonObject { ["id"] = "a:1xyzPersonalChat", ["conversationType"] = "personal" };
        if (conversationTenant is not null)
        {
            conversation["tenantId"] = conversationTenant;
        }

        var activity = new JsonObject
        {
            ["type"] = "message",
            ["id"] = "1712345678901",
            ["channelId"] = channelId,
            ["serviceUrl"] = TestConstants.ServiceUrl,
            ["from"] = new JsonObject { ["id"] = "29:1abcUserPairwiseId", ["name"] = "Ana" },
            ["recipient"] = new JsonObject { ["id"] = "28:" + TestConstants.AppId, ["name"] = "UpdateBot" },
            ["conversation"] = conversation,
            ["text"] = "status",
        };
        if (channelDataTenant is not null)
        {
            activity["channelData"] = new JsonObject { ["tenant"] = new JsonObject { ["id"] = channelDataTenant } };
        }

        return activity;
    }

    private async Task<HttpResponseMessage> PostWithValidTokenAsync(JsonObject activity)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/messages")
        {
            Content = new StringContent(activity.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TestTokens.Create(key));
        return await host.Client.SendAsync(request);
    }

    [Fact]
    public async Task A_Teams_activity_for_our_tenant_is_handled()
    {
        using var response = await PostWithValidTokenAsync(TeamsMessage());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(host.Log.Activities);
    }

    [Theory]
    [InlineData("webchat")]
    [InlineData("directline")]
    [InlineData("MSTeams")]
    public async Task An_activity_from_another_channel_with_a_valid_token_is_403_and_not_handled(string channelId)
    {
        using var response = await PostWithValidTokenAsync(TeamsMessage(channelId));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        Assert.Empty(host.Log.Activities);
    }

    [Fact]
    public async Task An_activity_without_a_channel_id_is_403_and_not_handled()
    {
        var activity = TeamsMessage();
        activity.Remove("channelId");

        using var response = await PostWithValidTokenAsync(activity);

        // The signing key is endorsed per channel: with no channel there is nothing to be endorsed for (401), and
        // never a turn.
        Assert.True(response.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized, response.StatusCode.ToString());
        Assert.Empty(host.Log.Activities);
    }

    [Theory]
    [InlineData("00000000-0000-0000-0000-000000000001", TestConstants.TenantId)]
    [InlineData(TestConstants.TenantId, "00000000-0000-0000-0000-000000000001")]
    [InlineData("00000000-0000-0000-0000-000000000001", null)]
    [InlineData(null, "00000000-0000-0000-0000-000000000001")]
    [InlineData("", TestConstants.TenantId)]
    [InlineData("not-a-guid", null)]
    public async Task Another_tenants_activity_is_403_and_not_handled(string? conversationTenant, string? channelDataTenant)
    {
        using var response = await PostWithValidTokenAsync(TeamsMessage(conversationTenant: conversationTenant, channelDataTenant: channelDataTenant));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Empty(host.Log.Activities);
    }

    [Fact]
    public async Task An_activity_without_any_tenant_is_403_when_a_tenant_is_configured()
    {
        using var response = await PostWithValidTokenAsync(TeamsMessage(conversationTenant: null, channelDataTenant: null));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Empty(host.Log.Activities);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("conversation")]
    public async Task Our_tenant_is_matched_as_a_guid_whatever_the_case_and_wherever_Teams_puts_it(string? onlyIn)
    {
        var upper = TestConstants.TenantId.ToUpperInvariant();
        var activity = onlyIn is null
            ? TeamsMessage(conversationTenant: upper, channelDataTenant: "{" + TestConstants.TenantId + "}")
            : TeamsMessage(channelDataTenant: null);

        using var response = await PostWithValidTokenAsync(activity);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(host.Log.Activities);
    }
}
