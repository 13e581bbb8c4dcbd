using UpdateBot.EndToEnd.Tests.Driver;
using UpdateBot.EndToEnd.Tests.Infrastructure;
using UpdateBot.EndToEnd.Tests.Scenarios;

namespace UpdateBot.EndToEnd.Tests;

/// <summary>Issue 14's continuity acceptance in the real Playground: what a member plans one week comes back the next.</summary>
public sealed class ContinuityTests(EndToEndFixture fixture) : IClassFixture<EndToEndFixture>
{
    [Fact(DisplayName = "Week 1 a member writes what they will do next week; week 2's prompt shows it without filling it in")]
    public async Task Next_week_comes_back_on_the_next_prompt()
    {
        var squad = new SquadScenario(fixture);
        var driver = squad.Driver;
        var start = driver.MessagePosition;
        await squad.SetUpSquadAsync(data => data["sections"] = "Highlights\nDiscovery and delivery\nNext week");

        var (weekOne, weekOneCard) = await squad.PromptNowAsync();
        Assert.DoesNotContain("Last week you said", CardText.AllText(weekOneCard), StringComparison.Ordinal);
        var answered = await squad.AnswerAsync(weekOne, weekOneCard, new Dictionary<string, string>
        {
            ["Highlights"] = "Finished the discussion guide.",
            ["Next week"] = "Book the research venue",
        });
        squad.AssertCardResponse(answered, BotCards.AnsweredTitle, "answering week 1");

        // A week later on the bot's clock (the test seam in ShiftedClock); the lead sends the prompts again.
        fixture.Clock.Advance(TimeSpan.FromDays(7));
        var (_, weekTwoCard) = await squad.PromptNowAsync();

        var text = CardText.AllText(weekTwoCard);
        Assert.Contains("Last week you said: “Book the research venue” — what happened?", text, StringComparison.Ordinal);
        Assert.NotEqual(SquadScenario.ActionData(weekOneCard, "prompt.submit")["week"]!.ToString(), SquadScenario.ActionData(weekTwoCard, "prompt.submit")["week"]!.ToString());

        // Shown, not filled in: every box of week 2 starts empty.
        Assert.All(SquadScenario.Inputs(weekTwoCard).Where(i => i.Id.StartsWith("s_", StringComparison.Ordinal)), i => Assert.True(string.IsNullOrEmpty(i.Value), $"{i.Label} was filled in with \"{i.Value}\""));

        await fixture.AssertCardsValidAsync(driver.Messages.Skip(start));
    }
}
