using UpdateBot.EndToEnd.Tests.Driver;
using UpdateBot.EndToEnd.Tests.Infrastructure;
using UpdateBot.EndToEnd.Tests.Scenarios;

namespace UpdateBot.EndToEnd.Tests;

/// <summary>Issue 3's acceptance, end to end against the real Playground.</summary>
public sealed class WeeklyLoopTests(EndToEndFixture fixture) : IClassFixture<EndToEndFixture>
{
    [Fact(DisplayName = "Set up, prompt now, answer in place, status, and a reminder that skips who answered")]
    public async Task Weekly_loop_end_to_end()
    {
        var squad = new SquadScenario(fixture);
        var driver = squad.Driver;
        var start = driver.MessagePosition;
        await squad.SetUpSquadAsync();

        var (promptMessage, promptCard) = await squad.PromptNowAsync();
        Assert.True(promptMessage.IsCreate);
        var sections = SquadScenario.Inputs(promptCard).Select(i => i.Label).ToList();
        Assert.Equal(["Highlights", "Discovery and delivery", "People we met"], sections.Take(3));

        // Submitting through Action.Execute answers with the updated card: in a 1:1 chat the invoke response is what
        // replaces the card (docs/protocol.md, "Updating a card in place"), so the bot sends no PUT of its own.
        var beforeSubmit = driver.MessagePosition;
        var response = await squad.AnswerAsync(promptMessage, promptCard, new Dictionary<string, string>
        {
            ["Highlights"] = "Ran the first user research session with the crisis line team.",
        });
        squad.AssertCardResponse(response, BotCards.AnsweredTitle, "submitting the prompt card");
        Assert.Contains("user research session", CardText.AllText(response.GetProperty("value")), StringComparison.Ordinal);

        // Status: the lead answered; the other five members were prompted (their 1:1 chats are not streamed).
        var beforeStatus = driver.MessagePosition;
        await driver.SendPersonalMessageAsync("status");
        var (_, status) = await driver.WaitForCardAsync(BotCards.StatusTitle, squad.Config.PersonalChatId, after: beforeStatus, expectation: "the status card");
        var statusText = CardText.AllText(status);
        Assert.Contains("1 answered", statusText, StringComparison.Ordinal);
        Assert.Contains("5 pending", statusText, StringComparison.Ordinal);
        foreach (var user in squad.Config.Users)
        {
            Assert.Contains(user.Name!, statusText, StringComparison.Ordinal);
        }

        Assert.Contains("Prompted", statusText, StringComparison.Ordinal);
        Assert.DoesNotContain(driver.Messages.Skip(beforeSubmit), m => m.IsUpdate && m.MessageId == promptMessage.MessageId);

        // Remind now: five reminders, none to the lead who answered.
        var beforeRemind = driver.MessagePosition;
        var report = await RemindNowAsync("the remind-now report");
        Assert.Contains("5 sent", report.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(driver.Messages.Skip(beforeRemind), m =>
            m.ChannelOrChatId == squad.Config.PersonalChatId && m.AdaptiveCards.Any(c => CardText.HasTitle(c, SquadScenario.SquadName + BotCards.PromptTitleSuffix)));

        // And again: nobody is reminded twice.
        var second = await RemindNowAsync("the second remind-now report");
        Assert.Contains("0 sent", second.Text, StringComparison.Ordinal);

        await fixture.AssertCardsValidAsync(driver.Messages.Skip(start));

        async Task<PlaygroundMessage> RemindNowAsync(string expectation)
        {
            var before = driver.MessagePosition;
            await driver.SendPersonalMessageAsync("remind now");
            return await driver.WaitForMessageAsync(
                m => m.ChannelOrChatId == squad.Config.PersonalChatId && (m.Text ?? "").Contains("Reminders for", StringComparison.Ordinal),
                after: before, expectation: expectation);
        }
    }
}
