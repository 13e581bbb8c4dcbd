using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace UpdateBot.Teams.Tests;

/// <summary>
/// Validation at the boundary (docs/protocol.md, "The activity boundary"): ids present where needed, bounded and free of
/// control characters, an absolute http(s) serviceUrl, names bounded, invoke values of the right shape. A malformed
/// activity is 400 and never reaches the handler; a malformed invoke gets the Universal Actions error body.
/// </summary>
public sealed class ActivityShapeTests : IAsyncLifetime
{
    private BotHost host = null!;

    public async Task InitializeAsync() => host = await BotHost.StartAsync(Settings.Development());

    public async Task DisposeAsync() => await host.DisposeAsync();

    private Task<HttpResponseMessage> PostAsync(JsonNode activity) =>
        host.Client.PostAsync("/api/messages", new StringContent(activity.ToJsonString(), Encoding.UTF8, "application/json"));

    private static JsonObject Message() => (JsonObject)JsonNode.Parse(ActivityRoundTripTests.Load("personal-message.json"))!;

    private static JsonObject Execute() => (JsonObject)JsonNode.Parse(ActivityRoundTripTests.Load("adaptive-card-action.json"))!;

    private static JsonObject TeamInstall() => (JsonObject)JsonNode.Parse(ActivityRoundTripTests.Load("team-install.json"))!;

    /// <summary>Sets (or with null removes) the value at a dotted path such as <c>from.id</c>.</summary>
    private static JsonObject With(JsonObject activity, string path, JsonNode? value)
    {
        var parts = path.Split('.');
        var parent = activity;
        foreach (var part in parts[..^1])
        {
            parent = (JsonObject)parent[part]!;
        }

        if (value is null)
        {
            parent.Remove(parts[^1]);
        }
        else
        {
            parent[parts[^1]] = value;
        }

        return activity;
    }

    public static TheoryData<string, string?> MalformedIds => new()
    {
        { "from.id", null },
        { "from.id", "" },
        { "from.id", "   " },
        { "from.id", new string('x', 401) },
        { "from.id", "29:abc\u0000def" },
        { "from.id", "29:abc\ndef" },
        { "from.id", "29:abc\u0085def" },
        { "from.aadObjectId", "a\u0001b" },
        { "recipient.id", null },
        { "recipient.id", "" },
        { "conversation.id", null },
        { "conversation.id", new string('a', 5000) },
        { "conversation.tenantId", "t\u007f" },
        { "id", "" },
        { "id", "1\r\n2" },
        { "replyToId", "" },
        { "replyToId", new string('9', 401) },
        { "serviceUrl", null },
        { "serviceUrl", "" },
        { "serviceUrl", "not a url" },
        { "serviceUrl", "/relative/path" },
        { "serviceUrl", "ftp://smba.trafficmanager.net/emea/" },
        { "serviceUrl", "javascript:alert(1)" },
        { "serviceUrl", "https://smba.trafficmanager.net/" + new string('a', 3000) },
        { "type", new string('t', 200) },
        { "type", "mess\u0000age" },
    };

    [Theory]
    [MemberData(nameof(MalformedIds))]
    public async Task A_message_with_a_missing_or_malformed_id_is_400_and_not_handled(string path, string? value)
    {
        using var response = await PostAsync(With(Message(), path, value is null ? null : JsonValue.Create(value)));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(host.Log.Activities);
    }

    [Theory]
    [InlineData("\\ud800")]
    [InlineData("\\udc00x")]
    [InlineData("x\\ud83d")]
    public async Task An_id_with_an_unpaired_surrogate_is_400(string escaped)
    {
        var body = ActivityRoundTripTests.Load("personal-message.json").Replace("29:1abcUserPairwiseId", "29:" + escaped, StringComparison.Ordinal);

        using var response = await host.Client.PostAsync("/api/messages", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(host.Log.Activities);
    }

    [Theory]
    [InlineData("\\ud800")]
    [InlineData("x\\udfffy")]
    public async Task Invalid_text_anywhere_in_the_body_is_400_even_inside_raw_values(string escaped)
    {
        // value and unknown fields stay raw JSON until the handler reads them: the text must be checked up front.
        var body = ActivityRoundTripTests.Load("adaptive-card-action.json").Replace("\"shipped\"", "\"" + escaped + "\"", StringComparison.Ordinal);

        using var response = await host.Client.PostAsync("/api/messages", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(host.Log.Activities);
    }

    [Fact]
    public async Task Invalid_utf8_inside_a_raw_value_is_400()
    {
        var body = Encoding.UTF8.GetBytes(ActivityRoundTripTests.Load("adaptive-card-action.json").Replace("\"shipped\"", "\"ship\u00ffed\"", StringComparison.Ordinal));
        var at = Array.IndexOf(body, (byte)0xC3);
        body[at] = 0xFC; // a lead byte with no valid continuation

        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new("application/json");
        using var response = await host.Client.PostAsync("/api/messages", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(host.Log.Activities);
    }

    public static TheoryData<string, string?> MalformedTeamIds => new()
    {
        { "channelData.team.id", "" },
        { "channelData.team.id", "19:team\u0000@thread.tacv2" },
        { "channelData.team.id", new string('t', 401) },
        { "channelData.team.aadGroupId", "g\u0007" },
        { "channelData.settings.selectedChannel.id", "" },
        { "conversation.id", "19:chan\u001f@thread.tacv2" },
        { "action", "add\u0000" },
    };

    [Theory]
    [MemberData(nameof(MalformedTeamIds))]
    public async Task A_team_event_with_a_malformed_team_or_channel_id_is_400_and_not_handled(string path, string? value)
    {
        using var response = await PostAsync(With(TeamInstall(), path, value is null ? null : JsonValue.Create(value)));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(host.Log.Activities);
    }

    [Theory]
    [InlineData("""[{"name":"no id"}]""")]
    [InlineData("""[{"id":""}]""")]
    [InlineData("""[{"id":"29:a\u0000"}]""")]
    [InlineData("""[null]""")]
    public async Task Members_added_or_removed_without_a_clean_id_are_400(string members)
    {
        var added = (JsonObject)JsonNode.Parse(ActivityRoundTripTests.Load("members-added.json"))!;
        added["membersAdded"] = JsonNode.Parse(members);

        using var response = await PostAsync(added);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(host.Log.Activities);
    }

    [Fact]
    public async Task Ids_Teams_really_sends_are_accepted()
    {
        var activity = Message();
        With(activity, "conversation.id", "19:0b7f5e0e9c9f4f7e8c3f1b0a4d2e6c8a@thread.tacv2;messageid=1481567603816");
        With(activity, "from.id", "29:1GcS4EyB_oSI8A88XmWBN7NJFyMqe3Rji8oA9uv5YjfkdkMY8CbL7yMJjFLD1-MqUC-hNyDdCSVObpvWSz4XbAQ");
        With(activity, "replyToId", "1:1ppZwNrHb0YmdKD-4Yk9hQkS8Oj3hbv7u02Hgwig0xBE");
        With(activity, "serviceUrl", "https://smba.trafficmanager.net/amer/a1b2c3d4-0000-0000-0000-000000000000/");

        using var response = await PostAsync(activity);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(host.Log.Activities);
    }

    [Fact]
    public async Task Names_are_cleaned_and_bounded_before_the_handler_sees_them()
    {
        var activity = Message();
        With(activity, "from.name", "Ana\u0000 " + new string('n', 5000));
        activity["channelData"]!["team"] = new JsonObject { ["id"] = "19:team@thread.tacv2", ["name"] = new string('t', 300) + "\ud83d\ude00" };
        activity["channelData"]!["channel"] = new JsonObject { ["id"] = "19:chan@thread.tacv2", ["name"] = "General\u0007" };

        using var response = await PostAsync(activity);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var seen = Assert.Single(host.Log.Activities);
        Assert.StartsWith("Ana ", seen.From!.Name, StringComparison.Ordinal);
        Assert.True(seen.From.Name!.Length <= 256, seen.From.Name.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.DoesNotContain('\u0000', seen.From.Name);
        Assert.True(seen.ChannelData!.Team!.Name!.Length <= 256);
        Assert.False(char.IsHighSurrogate(seen.ChannelData.Team.Name[^1]));
        Assert.Equal("General", seen.ChannelData.Channel!.Name);
    }

    public static TheoryData<string> MalformedExecuteValues => new()
    {
        "\"a string\"",
        "42",
        "[]",
        "{}",
        """{"action":"Action.Execute"}""",
        """{"action":{"type":"Action.Execute"}}""",
        """{"action":{"type":"Action.Execute","verb":42}}""",
        """{"action":{"type":"Action.Execute","verb":""}}""",
        """{"action":{"type":"Action.Execute","verb":"save\u0000"}}""",
        """{"action":{"type":"Action.Submit","verb":"save"}}""",
        """{"action":{"type":7,"verb":"save"}}""",
        """{"action":{"type":"Action.Execute","verb":"save","data":"not an object"}}""",
        """{"action":{"type":"Action.Execute","verb":"save","data":[1,2]}}""",
        """{"action":{"type":"Action.Execute","verb":"save","id":{}}}""",
        """{"action":{"type":"Action.Execute","verb":"save"},"trigger":5}""",
    };

    [Theory]
    [MemberData(nameof(MalformedExecuteValues))]
    public async Task A_malformed_adaptive_card_action_is_400_with_the_universal_actions_error_body(string value)
    {
        using var response = await PostAsync(With(Execute(), "value", JsonNode.Parse(value)));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(400, body["statusCode"]!.GetValue<int>());
        Assert.Equal("application/vnd.microsoft.error", body["type"]!.GetValue<string>());
        Assert.Equal("BadRequest", body["value"]!["code"]!.GetValue<string>());
        Assert.False(string.IsNullOrWhiteSpace(body["value"]!["message"]!.GetValue<string>()));
        Assert.Empty(host.Log.Activities);
    }

    [Theory]
    [InlineData("value")] // an adaptive card action without a value
    [InlineData("name")] // an invoke without a name
    public async Task An_invoke_missing_what_it_needs_is_400_with_the_error_body(string missing)
    {
        using var response = await PostAsync(With(Execute(), missing, null));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("application/vnd.microsoft.error", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(host.Log.Activities);
    }

    [Fact]
    public async Task An_adaptive_card_action_with_a_null_data_or_a_refresh_trigger_is_handled()
    {
        using var response = await PostAsync(With(Execute(), "value", JsonNode.Parse("""{"action":{"type":"Action.Execute","verb":"refresh","data":null},"trigger":"automatic"}""")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(host.Log.Activities);
    }

    [Fact]
    public async Task Other_invokes_keep_any_value()
    {
        var activity = Execute();
        activity["name"] = "task/fetch";
        activity["value"] = "anything";

        using var response = await PostAsync(activity);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(host.Log.Activities);
    }

    [Fact]
    public async Task Development_mode_still_refuses_other_channels()
    {
        using var response = await PostAsync(With(Message(), "channelId", "webchat"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Empty(host.Log.Activities);
    }

    [Fact]
    public async Task Development_mode_accepts_any_tenant_as_the_Agents_Playground_sends_its_own()
    {
        var activity = Message();
        With(activity, "conversation.tenantId", "00000000-0000-0000-0000-000000000001");
        activity["channelData"] = new JsonObject { ["tenant"] = new JsonObject { ["id"] = "00000000-0000-0000-0000-000000000001" } };

        using var response = await PostAsync(activity);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
