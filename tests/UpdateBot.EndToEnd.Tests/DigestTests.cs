using UpdateBot.EndToEnd.Tests.Driver;
using UpdateBot.EndToEnd.Tests.Infrastructure;
using UpdateBot.EndToEnd.Tests.Scenarios;

namespace UpdateBot.EndToEnd.Tests;

/// <summary>Issue 4's acceptance, end to end against the real Playground.</summary>
public sealed class DigestTests(EndToEndFixture fixture) : IClassFixture<EndToEndFixture>
{
    private const string DigestTitle = SquadScenario.SquadName + " weeknotes — Update 1";

    [Fact(DisplayName = "Review, hide an item, write the intro, publish once, and correct the post in place")]
    public async Task Full_week_to_published_weeknote()
    {
        var squad = new SquadScenario(fixture);
        var driver = squad.Driver;
        var chat = () => squad.Config.PersonalChatId;
        var start = driver.MessagePosition;
        await squad.SetUpSquadAsync();
        var (promptMessage, promptCard) = await squad.PromptNowAsync();
        await squad.AnswerAsync(promptMessage, promptCard, new Dictionary<string, string>
        {
            ["Highlights"] = "Shipped the referral form prototype. See [the notes](https://example.org/notes).",
            ["People we met"] = "SECRET: met the procurement team about the contract.",
        });

        // The lead asks for the draft: the review desk arrives 1:1 (header first, then the items).
        var beforePreview = driver.MessagePosition;
        await driver.SendPersonalMessageAsync("preview");
        var (headerMessage, header) = await driver.WaitForCardAsync(BotCards.ReviewTitle, chat(), after: beforePreview, expectation: "the review header");
        var itemsMessage = await driver.WaitForMessageAsync(
            m => m.ChannelOrChatId == chat() && m.Sequence > headerMessage.Sequence && m.AdaptiveCards.Any(c => CardText.AllText(c).Contains("SECRET", StringComparison.Ordinal)),
            after: beforePreview, expectation: "the review card with the People we met item");
        var itemsCard = itemsMessage.AdaptiveCards.Single();

        // Hide the procurement item.
        var hide = SquadScenario.AllActionData(itemsCard, "digest.hide").Single(d => d["itemId"]!.GetValue<string>().EndsWith("/people-we-met", StringComparison.Ordinal));
        var hidden = await driver.ExecuteAsync(itemsMessage.ThreadConversationId, itemsMessage.MessageId!, "digest.hide", hide);
        Assert.Contains("(hidden)", CardText.AllText(hidden.GetProperty("value")), StringComparison.Ordinal);

        // Write the intro (the card's data carries the basis the lead saw).
        var introData = SquadScenario.ActionData(header, "digest.intro");
        introData["intro"] = "A week of prototypes and first conversations.";
        await driver.ExecuteAsync(headerMessage.ThreadConversationId, headerMessage.MessageId!, "digest.intro", introData);

        // Publish: one new post in the squad's channel.
        var beforePublish = driver.MessagePosition;
        var published = await driver.ExecuteAsync(headerMessage.ThreadConversationId, headerMessage.MessageId!, "digest.publish", SquadScenario.ActionData(header, "digest.publish"));
        Assert.Equal("application/vnd.microsoft.card.adaptive", published.GetProperty("type").GetString());
        var (post, digest) = await driver.WaitForCardAsync(DigestTitle, squad.Config.Team.Id, after: beforePublish, expectation: "the weeknote post in the channel");
        Assert.True(post.IsCreate);
        var text = CardText.AllText(digest).Replace('\u00A0', ' ');
        Assert.Contains("Highlights", text, StringComparison.Ordinal);
        Assert.Contains("referral form prototype", text, StringComparison.Ordinal);
        Assert.Contains("Priya Shah", text, StringComparison.Ordinal);
        Assert.Contains("A week of prototypes", text, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET", text, StringComparison.Ordinal);
        Assert.DoesNotContain("People we met", text, StringComparison.Ordinal);

        // Pressing publish again posts nothing.
        var beforeAgain = driver.MessagePosition;
        await driver.SendPersonalMessageAsync("publish");
        await driver.WaitForMessageAsync(m => m.ChannelOrChatId == chat() && (m.Text ?? "").Contains("already in the channel", StringComparison.Ordinal), after: beforeAgain, expectation: "the already-published answer");
        Assert.DoesNotContain(driver.Messages.Skip(beforeAgain), m => m.IsCreate && m.ChannelOrChatId == squad.Config.Team.Id);

        // A correction after publishing updates the same post for everyone.
        var highlightsMessage = driver.Messages.Last(m => m.ChannelOrChatId == chat() && m.AdaptiveCards.Any(c => CardText.AllText(c).Contains("referral form", StringComparison.Ordinal) && CardText.HasTitle(c, "Highlights")));
        var edit = SquadScenario.AllActionData(highlightsMessage.AdaptiveCards.Single(), "digest.edit").Single(d => d["itemId"]!.GetValue<string>().EndsWith("/highlights", StringComparison.Ordinal));
        edit[edit["inputId"]!.GetValue<string>()] = "Shipped the referral form prototype to 12 testers.";
        var beforeEdit = driver.MessagePosition;
        await driver.ExecuteAsync(highlightsMessage.ThreadConversationId, highlightsMessage.MessageId!, "digest.edit", edit);
        var corrected = await driver.WaitForMessageAsync(m => m.IsUpdate && m.MessageId == post.MessageId, after: beforeEdit, expectation: "the channel post corrected in place");
        Assert.Contains("12 testers", CardText.AllText(corrected.AdaptiveCards.Single()), StringComparison.Ordinal);
        Assert.DoesNotContain(driver.Messages.Skip(beforeEdit), m => m.IsCreate && m.ChannelOrChatId == squad.Config.Team.Id);

        // The Markdown weeknote of the same edition.
        var beforeExport = driver.MessagePosition;
        await driver.SendPersonalMessageAsync("export");
        var markdown = await driver.WaitForMessageAsync(m => m.ChannelOrChatId == chat() && (m.Text ?? "").StartsWith("# " + DigestTitle, StringComparison.Ordinal), after: beforeExport, expectation: "the Markdown export");
        Assert.Contains("12 testers", markdown.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET", markdown.Text, StringComparison.Ordinal);

        // History lists the edition with a deep link to its channel post.
        var beforeHistory = driver.MessagePosition;
        await driver.SendPersonalMessageAsync("history");
        var (_, history) = await driver.WaitForCardAsync("recent weeknotes", chat(), after: beforeHistory, expectation: "the history card");
        var historyText = CardText.AllText(history);
        Assert.Contains(DigestTitle, historyText, StringComparison.Ordinal);
        Assert.Contains("https://teams.microsoft.com/l/message/", historyText, StringComparison.Ordinal);
        Assert.Contains(post.MessageId!, historyText, StringComparison.Ordinal);

        await fixture.AssertCardsValidAsync(driver.Messages.Skip(start));
    }
}
