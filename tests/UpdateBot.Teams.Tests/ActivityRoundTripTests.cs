using System.Text.Json;
using System.Text.Json.Nodes;
using UpdateBot.Teams.Schema;

namespace UpdateBot.Teams.Tests;

public sealed class ActivityRoundTripTests
{
    public static TheoryData<string> Payloads => new()
    {
        "personal-message.json",
        "team-install.json",
        "members-added.json",
        "adaptive-card-action.json",
        "submit-value-object.json",
        "submit-value-string.json",
    };

    [Theory]
    [MemberData(nameof(Payloads))]
    public void Every_field_survives_a_round_trip(string file)
    {
        var original = JsonNode.Parse(Load(file))!;

        var activity = JsonSerializer.Deserialize<Activity>(Load(file), ProtocolJson.Options)!;
        var written = JsonSerializer.SerializeToNode(activity, ProtocolJson.Options)!;

        Assert.True(JsonNode.DeepEquals(original, written), $"{file} changed:\n{written.ToJsonString()}");
    }

    [Fact]
    public void Unknown_fields_are_kept_as_extension_data()
    {
        var activity = Read("personal-message.json");

        Assert.True(activity.ExtensionData!.ContainsKey("someFutureField"));
        Assert.Equal("Europe/London", activity.Entities![0].ExtensionData!["timezone"].GetString());
        Assert.Equal(TestConstants.TenantId, activity.TenantId);
        Assert.Equal(ActivityTypes.Message, activity.Type);
    }

    [Fact]
    public void Team_install_exposes_team_and_selected_channel()
    {
        var activity = Read("team-install.json");

        Assert.Equal(ActivityTypes.InstallationUpdate, activity.Type);
        Assert.Equal("add", activity.Action);
        Assert.Equal("19:team@thread.tacv2", activity.ChannelData!.Team!.Id);
        Assert.Equal("19:selectedchannel@thread.tacv2", activity.ChannelData.Settings!.SelectedChannel!.Id);
        Assert.True(activity.ChannelData.ExtensionData!.ContainsKey("source"));
    }

    [Fact]
    public void Members_added_lists_the_bot_and_the_user()
    {
        var activity = Read("members-added.json");

        Assert.Equal("teamMemberAdded", activity.ChannelData!.EventType);
        Assert.Equal(["28:00000000-0000-0000-0000-000000000001", "29:newMember"], activity.MembersAdded!.Select(m => m.Id));
        Assert.Equal("aad-new-member", activity.MembersAdded![1].AadObjectId);
    }

    [Fact]
    public void Adaptive_card_action_value_reads_as_invoke_value()
    {
        var activity = Read("adaptive-card-action.json");

        var value = activity.Value!.Value.Deserialize<AdaptiveCardInvokeValue>(ProtocolJson.Options)!;
        Assert.Equal("adaptiveCard/action", activity.Name);
        Assert.Equal("saveAnswer", value.Action!.Verb);
        Assert.Equal("2026-W10", value.Action.Data!.Value.GetProperty("week").GetString());
    }

    [Fact]
    public void Submit_value_may_be_an_object_or_a_json_string()
    {
        var asObject = Read("submit-value-object.json").Value!.Value;
        var asString = Read("submit-value-string.json").Value!.Value;

        Assert.Equal(JsonValueKind.Object, asObject.ValueKind);
        Assert.Equal(JsonValueKind.String, asString.ValueKind);
        using var parsed = JsonDocument.Parse(asString.GetString()!);
        Assert.Equal(asObject.GetProperty("verb").GetString(), parsed.RootElement.GetProperty("verb").GetString());
    }

    [Fact]
    public void Outbound_card_never_writes_nulls()
    {
        using var card = JsonDocument.Parse("""{"type":"AdaptiveCard","version":"1.5","body":[]}""");
        var json = JsonSerializer.Serialize(Activity.CreateCard(card.RootElement.Clone()), ProtocolJson.Options);

        Assert.DoesNotContain("null", json, StringComparison.Ordinal);
        Assert.Contains("\"contentType\":\"application/vnd.microsoft.card.adaptive\"", json, StringComparison.Ordinal);
    }

    internal static string Load(string file) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Payloads", file));

    private static Activity Read(string file) => JsonSerializer.Deserialize<Activity>(Load(file), ProtocolJson.Options)!;
}
