using System.Text;
using System.Text.Json;
using UpdateBot.Teams.Cards;
using UpdateBot.Teams.Schema;

namespace UpdateBot.Teams.Tests;

public sealed class CardJsonTests
{
    private static readonly JsonElement Data = JsonSerializer.SerializeToElement(new { squadId = "19:abc@thread.tacv2", week = "2026-W48" });

    private static AdaptiveCard SampleCard() => new()
    {
        FallbackText = "Sample",
        Refresh = new Refresh { Action = new ExecuteAction("refresh") { Data = Data }, UserIds = ["29:user"] },
        Body =
        [
            new TextBlock("Title") { Size = FontSize.Large, Weight = FontWeight.Bolder, Style = TextBlockStyle.Heading },
            new TextInput { Id = "answer", Label = "Answer", IsMultiline = true },
            new ActionSet([new ExecuteAction("submit") { Title = "Submit", Data = Data, Fallback = new SubmitAction { Title = "Submit", Data = Data } }]),
        ],
        MsTeams = new TeamsCardProperties { Width = "Full" },
    };

    [Fact]
    public void Every_element_and_action_carries_its_type_including_the_refresh_action()
    {
        var json = CardJson.ToElement(SampleCard());

        Assert.Equal("AdaptiveCard", json.GetProperty("type").GetString());
        Assert.Equal("1.5", json.GetProperty("version").GetString());
        Assert.Equal("Action.Execute", json.GetProperty("refresh").GetProperty("action").GetProperty("type").GetString());
        var body = json.GetProperty("body");
        Assert.Equal("TextBlock", body[0].GetProperty("type").GetString());
        Assert.Equal("Input.Text", body[1].GetProperty("type").GetString());
        var action = body[2].GetProperty("actions")[0];
        Assert.Equal("Action.Execute", action.GetProperty("type").GetString());
        Assert.Equal("Action.Submit", action.GetProperty("fallback").GetProperty("type").GetString());
    }

    [Fact]
    public void Enums_are_camel_case_nulls_are_omitted_and_the_teams_width_is_at_the_root()
    {
        var json = CardJson.ToElement(SampleCard());
        var title = json.GetProperty("body")[0];

        Assert.Equal("large", title.GetProperty("size").GetString());
        Assert.Equal("bolder", title.GetProperty("weight").GetString());
        Assert.Equal("heading", title.GetProperty("style").GetString());
        Assert.False(title.TryGetProperty("color", out _));
        Assert.False(json.TryGetProperty("actions", out _));
        Assert.Equal("Full", json.GetProperty("msteams").GetProperty("width").GetString());
    }

    [Fact]
    public void A_card_activity_has_the_card_as_an_object_and_no_text()
    {
        var activity = CardJson.ToActivity(SampleCard(), "summary");
        var json = JsonSerializer.SerializeToElement(activity, ProtocolJson.Options);

        Assert.Equal("message", json.GetProperty("type").GetString());
        Assert.False(json.TryGetProperty("text", out _));
        var attachment = json.GetProperty("attachments")[0];
        Assert.Equal("application/vnd.microsoft.card.adaptive", attachment.GetProperty("contentType").GetString());
        Assert.Equal(JsonValueKind.Object, attachment.GetProperty("content").ValueKind);
    }

    [Fact]
    public void Size_is_measured_as_utf16_of_the_whole_activity()
    {
        var card = SampleCard();
        var serialized = JsonSerializer.Serialize(CardJson.ToActivity(card), ProtocolJson.Options);

        Assert.Equal(Encoding.Unicode.GetByteCount(serialized), CardJson.MeasureUtf16Bytes(card));
        Assert.Equal(serialized.Length * 2, CardJson.MeasureUtf16Bytes(card));
    }

    [Fact]
    public void Text_with_quotes_and_markup_stays_inside_its_json_string()
    {
        const string tricky = "\"},{\"type\":\"Action.OpenUrl\" <at>Boss</at> \\ \u0001 😀";
        var card = new AdaptiveCard { Body = [new TextBlock(tricky)] };

        var parsed = JsonDocument.Parse(CardJson.Serialize(card)).RootElement;

        Assert.Single(parsed.GetProperty("body").EnumerateArray());
        Assert.Equal(tricky, parsed.GetProperty("body")[0].GetProperty("text").GetString());
    }
}
