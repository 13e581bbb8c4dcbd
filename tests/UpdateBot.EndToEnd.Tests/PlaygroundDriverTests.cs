using System.Text.Json;
using UpdateBot.EndToEnd.Tests.Driver;
using UpdateBot.EndToEnd.Tests.Infrastructure;
using UpdateBot.TestSupport;

namespace UpdateBot.EndToEnd.Tests;

/// <summary>The harness itself, against the real Playground and a stub bot: these pass whatever state the service is in.</summary>
public sealed class PlaygroundDriverTests(StubBotFixture fixture) : IClassFixture<StubBotFixture>
{
    private PlaygroundDriver Driver => fixture.Driver;

    [Fact(DisplayName = "Driver reads the mock tenant from the Playground")]
    public async Task Reads_config()
    {
        var config = await Driver.GetConfigAsync();

        Assert.Equal(fixture.MockData.TenantId, config.TenantId);
        Assert.Equal(fixture.MockData.BotId, config.Bot.Id);
        Assert.Equal(fixture.MockData.CurrentUser.Id, config.CurrentUser.Id);
        Assert.Equal(5, config.Users.Count);
        Assert.Equal(fixture.MockData.PersonalChatId, config.PersonalChatId);
        Assert.Equal(fixture.MockData.GroupChatId, config.GroupChat.Id);
        Assert.Equal(fixture.MockData.TeamId, config.Team.Id);
        Assert.Equal(fixture.MockData.TeamId, config.GeneralChannel.Id);
        Assert.Contains(config.Team.Channels, c => c.Id == fixture.MockData.ExtraChannelId);
    }

    [Fact(DisplayName = "A personal message reaches the bot, which answers 200, as the traffic log shows")]
    public async Task Personal_message_is_delivered_and_logged()
    {
        var text = "ping " + Guid.NewGuid().ToString("N");

        var posted = await Driver.SendPersonalMessageAsync(text);

        Assert.False(string.IsNullOrEmpty(posted.MessageId));
        var entry = await Driver.WaitForTrafficAsync(e => e.IsToBot && e.ActivityText == text, expectation: $"traffic entry for \"{text}\"");
        Assert.Equal(200, entry.StatusCode);
        Assert.Equal("personal", entry.RequestBody!.Value.GetProperty("conversation").GetProperty("conversationType").GetString());
        Assert.Contains(fixture.Bot.Received, a => a.TryGetProperty("text", out var t) && t.GetString() == text);
    }

    [Fact(DisplayName = "A bot reply with a card is streamed back, and the card validates")]
    public async Task Bot_reply_is_streamed()
    {
        var after = Driver.MessagePosition;
        var word = Guid.NewGuid().ToString("N")[..8];

        await Driver.SendPersonalMessageAsync("echo " + word);

        var (message, card) = await Driver.WaitForCardAsync(StubBot.EchoCardPrefix + word, fixture.MockData.PersonalChatId, after: after);
        Assert.True(message.IsCreate);
        Assert.Equal(fixture.MockData.BotId, message.FromId);
        Assert.False(string.IsNullOrEmpty(message.MessageId));
        await AdaptiveCardValidator.AssertValidAsync(card);
    }

    [Fact(DisplayName = "A channel message mentioning the bot reaches it; card actions on the reply reach it too")]
    public async Task Channel_mention_submit_and_invoke()
    {
        var after = Driver.MessagePosition;
        var word = Guid.NewGuid().ToString("N")[..8];

        var posted = await Driver.SendChannelMessageAsync("echo " + word);
        var (reply, _) = await Driver.WaitForCardAsync(StubBot.EchoCardPrefix + word, fixture.MockData.TeamId, after: after);

        Assert.NotNull(posted.PostConversationId);
        var activity = fixture.Bot.Received.Last(a => a.TryGetProperty("text", out var t) && t.GetString()!.EndsWith("echo " + word, StringComparison.Ordinal));
        Assert.Contains(activity.GetProperty("entities").EnumerateArray(), e => e.GetProperty("type").GetString() == "mention");

        var trafficMark = Driver.TrafficPosition;
        await Driver.SubmitAsync(reply.ThreadConversationId, reply.MessageId!, new { verb = "ok", word });
        var submit = await Driver.WaitForTrafficAsync(
            e => e.IsToBot && e.RequestBody?.TryGetProperty("value", out var v) == true && v.ValueKind == JsonValueKind.Object
                 && v.TryGetProperty("word", out var w) && w.GetString() == word,
            after: trafficMark, expectation: "the submit reaching the bot");
        Assert.Equal("message", submit.ActivityType);

        var response = await Driver.ExecuteAsync(reply.ThreadConversationId, reply.MessageId!, "ok", new { word });
        Assert.Equal(StubBot.InvokeReply, response.GetProperty("value").GetString());
    }

    [Fact(DisplayName = "Install in the team sends installationUpdate add with the team to the bot")]
    public async Task Team_install_reaches_bot()
    {
        var mark = Driver.TrafficPosition;

        var sent = await Driver.InstallInTeamAsync();

        Assert.Equal("installationUpdate", (string?)sent["type"]);
        var entry = await Driver.WaitForTrafficAsync(e => e.IsToBot && e.ActivityType == "installationUpdate", after: mark);
        Assert.Equal(200, entry.StatusCode);
        Assert.Equal(fixture.MockData.TeamId, entry.RequestBody!.Value.GetProperty("channelData").GetProperty("team").GetProperty("id").GetString());
    }

    [Fact(DisplayName = "Personal install sends installationUpdate and conversationUpdate membersAdded")]
    public async Task Personal_install_reaches_bot()
    {
        var mark = Driver.TrafficPosition;

        await Driver.InstallPersonalAsync();

        await Driver.WaitForTrafficAsync(e => e.IsToBot && e.ActivityType == "installationUpdate" && e.ConversationId == fixture.MockData.PersonalChatId, after: mark);
        var update = await Driver.WaitForTrafficAsync(e => e.IsToBot && e.ActivityType == "conversationUpdate", after: mark);
        var added = update.RequestBody!.Value.GetProperty("membersAdded").EnumerateArray().Select(m => m.GetProperty("id").GetString()).ToList();
        Assert.Contains(fixture.MockData.BotId, added);
        Assert.Contains(fixture.MockData.CurrentUser.Id, added);
    }

    [Fact(DisplayName = "Waiting for a message that never comes fails with a useful message")]
    public async Task Timeout_message_is_useful()
    {
        var error = await Assert.ThrowsAsync<TimeoutException>(() =>
            Driver.WaitForCardAsync("No such card " + Guid.NewGuid(), timeout: TimeSpan.FromMilliseconds(300), after: Driver.MessagePosition));

        Assert.Contains("No such card", error.Message, StringComparison.Ordinal);
        Assert.Contains("traffic log", error.Message, StringComparison.Ordinal);
        Assert.Contains("m365agentsplayground.log", error.Message, StringComparison.Ordinal);
    }
}
