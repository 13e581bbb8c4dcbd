using UpdateBot.EndToEnd.Tests.Driver;
using UpdateBot.EndToEnd.Tests.Infrastructure;
using UpdateBot.EndToEnd.Tests.Scenarios;

namespace UpdateBot.EndToEnd.Tests;

/// <summary>Issue 10's acceptance in the real Playground: a member's words are never eaten, lost or kept against their will.</summary>
public sealed class MemberWordsTests(EndToEndFixture fixture) : IClassFixture<EndToEndFixture>
{
    private const string Answer = "Ran the first user research session with the crisis line team.";
    private const string AwayDay = "Away day in Leeds was great, met the ICB";

    [Fact(DisplayName = "A sentence starting with 'away' is captured, 'away next week' keeps this week's answer, my data lists it, erasure reaches the export")]
    public async Task Words_are_kept_listed_and_erased()
    {
        var squad = new SquadScenario(fixture);
        var driver = squad.Driver;
        var chat = () => squad.Config.PersonalChatId;
        var start = driver.MessagePosition;
        await squad.SetUpSquadAsync();
        var (promptMessage, promptCard) = await squad.PromptNowAsync();
        await squad.AnswerAsync(promptMessage, promptCard, new Dictionary<string, string> { ["Highlights"] = Answer });

        // A sentence that starts like the command is an answer: captured, with a hint in case the command was meant.
        var beforeAwayDay = driver.MessagePosition;
        await driver.SendPersonalMessageAsync(AwayDay);
        var captured = await driver.WaitForMessageAsync(
            m => m.ChannelOrChatId == chat() && m.AdaptiveCards.Any(c => CardText.AllText(c).Contains("Leeds", StringComparison.Ordinal)),
            after: beforeAwayDay, expectation: "the capture card for the away-day sentence");
        Assert.Contains(captured.AdaptiveCards, c => CardText.AllText(c).Contains("Added to", StringComparison.Ordinal));

        // Going away next week leaves this week's answers where they are.
        var beforeAway = driver.MessagePosition;
        await driver.SendPersonalMessageAsync("away next week");
        await driver.WaitForMessageAsync(m => m.ChannelOrChatId == chat(), after: beforeAway, expectation: "the answer to 'away next week'");

        var beforePreview = driver.MessagePosition;
        await driver.SendPersonalMessageAsync("preview");
        await driver.WaitForCardAsync(BotCards.ReviewTitle, chat(), after: beforePreview, expectation: "the review header");
        await driver.WaitForMessageAsync(
            m => m.ChannelOrChatId == chat() && m.AdaptiveCards.Any(c => CardText.AllText(c).Contains("user research session", StringComparison.Ordinal)),
            after: beforePreview, expectation: "the review card still holding this week's answer");

        // My data lists what is held.
        var beforeMyData = driver.MessagePosition;
        await driver.SendPersonalMessageAsync("my data");
        var myData = await driver.WaitForMessageAsync(
            m => m.ChannelOrChatId == chat() && (m.Text ?? "").Contains("What UpdateBot holds about you", StringComparison.Ordinal),
            after: beforeMyData, expectation: "the my-data answer");
        Assert.Contains("Your weekly answers: 1 week", myData.Text, StringComparison.Ordinal);

        // Publish, erase, export: the stored weeknote no longer has the member's words.
        var beforePublish = driver.MessagePosition;
        await driver.SendPersonalMessageAsync("publish");
        await driver.WaitForMessageAsync(
            m => m.ChannelOrChatId == squad.Config.Team.Id && m.AdaptiveCards.Any(c => CardText.AllText(c).Contains("user research session", StringComparison.Ordinal)),
            after: beforePublish, expectation: "the weeknote in the channel");
        // The lead hears back once the edition is stored (it is recorded after the post).
        await driver.WaitForMessageAsync(m => m.ChannelOrChatId == chat() && (m.Text ?? "").Contains("Published Update 1", StringComparison.Ordinal), after: beforePublish, expectation: "the lead's publish confirmation");

        var beforeErase = driver.MessagePosition;
        await driver.SendPersonalMessageAsync("erase my data");
        var erased = await driver.WaitForMessageAsync(m => m.ChannelOrChatId == chat() && (m.Text ?? "").Contains("Erased", StringComparison.Ordinal), after: beforeErase, expectation: "the erasure report");
        Assert.Contains("your words in 1 published weeknote", erased.Text, StringComparison.Ordinal);

        var beforeExport = driver.MessagePosition;
        await driver.SendPersonalMessageAsync("export");
        var export = await driver.WaitForMessageAsync(
            m => m.ChannelOrChatId == chat() && (m.Text ?? "").StartsWith("# " + SquadScenario.SquadName, StringComparison.Ordinal),
            after: beforeExport, expectation: "the Markdown export");
        Assert.DoesNotContain("user research session", export.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("Leeds", export.Text, StringComparison.Ordinal);
        Assert.Contains("Removed at the author's request", export.Text, StringComparison.Ordinal);

        await fixture.AssertCardsValidAsync(driver.Messages.Skip(start));
    }
}
