using UpdateBot.EndToEnd.Tests.Driver;
using UpdateBot.EndToEnd.Tests.Infrastructure;
using UpdateBot.EndToEnd.Tests.Scenarios;

namespace UpdateBot.EndToEnd.Tests;

/// <summary>Issue 14, "Questions from readers", end to end against the real Playground.</summary>
public sealed class QuestionsFromReadersTests(EndToEndFixture fixture) : IClassFixture<EndToEndFixture>
{
    private const string DigestTitle = SquadScenario.SquadName + " weeknotes — Update 1";
    private const string Question = "Which testers saw the referral form prototype?";

    [Fact(DisplayName = "A reader presses Ask about this on the published weeknote and the author's 1:1 chat receives the question")]
    public async Task A_readers_question_reaches_the_authors_chat()
    {
        var squad = new SquadScenario(fixture);
        var driver = squad.Driver;
        var start = driver.MessagePosition;
        await squad.SetUpSquadAsync();
        var (promptMessage, promptCard) = await squad.PromptNowAsync();
        await squad.AnswerAsync(promptMessage, promptCard, new Dictionary<string, string> { ["Highlights"] = "Shipped the referral form prototype." });

        var beforePublish = driver.MessagePosition;
        await driver.SendPersonalMessageAsync("publish");
        var (post, digest) = await driver.WaitForCardAsync(DigestTitle, squad.Config.Team.Id, after: beforePublish, expectation: "the weeknote post in the channel");
        Assert.Contains("Ask about this", CardText.AllText(digest), StringComparison.Ordinal);

        // Tom, a reader in the team, asks about Priya's item from the channel post.
        var ask = SquadScenario.AllActionData(digest, "digest.ask").Single(d => d["itemId"]!.GetValue<string>().EndsWith("/highlights", StringComparison.Ordinal));
        ask[ask["inputId"]!.GetValue<string>()] = Question;
        var beforeAsk = driver.MessagePosition;
        var asked = await driver.ExecuteAsync(post.ThreadConversationId, post.MessageId!, "digest.ask", ask, fromUserId: "29:tom-dev");
        Assert.Equal("application/vnd.microsoft.activity.message", asked.GetProperty("type").GetString());
        Assert.Contains("privately", asked.GetProperty("value").GetString(), StringComparison.Ordinal);

        // Priya's 1:1 chat receives it, with her item quoted; the channel does not.
        var (_, question) = await driver.WaitForCardAsync("A question about your weeknote", squad.Config.PersonalChatId, after: beforeAsk, expectation: "the question in the author's 1:1 chat");
        var text = CardText.AllText(question);
        Assert.Contains(Question, text, StringComparison.Ordinal);
        Assert.Contains("Shipped the referral form prototype", text, StringComparison.Ordinal);
        Assert.Contains("Tom Okafor", text, StringComparison.Ordinal);
        Assert.DoesNotContain(driver.Messages.Skip(beforeAsk), m => m.ChannelOrChatId == squad.Config.Team.Id && m.AdaptiveCards.Any(c => CardText.AllText(c).Contains(Question, StringComparison.Ordinal)));

        await fixture.AssertCardsValidAsync(driver.Messages.Skip(start));
    }
}
