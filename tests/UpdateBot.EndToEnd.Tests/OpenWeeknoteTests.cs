using System.Net;
using Microsoft.Extensions.DependencyInjection;
using UpdateBot.Storage;
using UpdateBot.EndToEnd.Tests.Driver;
using UpdateBot.EndToEnd.Tests.Infrastructure;
using UpdateBot.EndToEnd.Tests.Scenarios;

namespace UpdateBot.EndToEnd.Tests;

/// <summary>Issue 13's acceptance in the real Playground: the open weeknote, with each person's consent.</summary>
public sealed class OpenWeeknoteTests(EndToEndFixture fixture) : IClassFixture<EndToEndFixture>
{
    private const string Slug = "payments-squad";
    private const string TeamOnlyAnswer = "Talked budgets with the finance director.";
    private const string PublicAnswer = "Met the crisis line volunteers in Leeds.";

    [Fact(DisplayName = "Publish openly: a team-only answer stays with the team, a first name goes public, erasure takes it off the page and the feed")]
    public async Task Open_weeknote_with_consent_end_to_end()
    {
        var squad = new SquadScenario(fixture);
        var driver = squad.Driver;
        var chat = () => squad.Config.PersonalChatId;
        var start = driver.MessagePosition;
        await squad.SetUpSquadAsync(card => card["publishOpenly"] = "true");
        var member = squad.Config.Users.First(u => u.Id != squad.Config.CurrentUser.Id);

        // The lead answers on the prompt card and keeps this week's answers for the team.
        var (promptMessage, promptCard) = await squad.PromptNowAsync();
        var labels = SquadScenario.Inputs(promptCard).Select(i => i.Id).ToList();
        Assert.Contains("teamOnly", labels);
        Assert.Contains("publicName", labels);
        var submit = SquadScenario.ActionData(promptCard, "prompt.submit");
        foreach (var input in SquadScenario.Inputs(promptCard))
        {
            submit[input.Id] = input.Value;
        }

        submit[SquadScenario.Inputs(promptCard).Single(i => i.Label == "Highlights").Id] = TeamOnlyAnswer;
        submit["teamOnly"] = "true";
        var answered = await driver.ExecuteAsync(promptMessage.ThreadConversationId, promptMessage.MessageId!, "prompt.submit", submit);
        squad.AssertCardResponse(answered, BotCards.AnsweredTitle, "submitting the prompt card team-only");
        Assert.Contains("Team-only", CardText.AllText(answered.GetProperty("value")), StringComparison.Ordinal);

        // Another member chooses their first name, then answers by typing in the chat.
        var beforeName = driver.MessagePosition;
        await SayAsMemberAsync("public name first");
        await driver.WaitForMessageAsync(m => m.ChannelOrChatId == chat() && (m.Text ?? "").Contains("your first name", StringComparison.Ordinal), after: beforeName, expectation: "the public name confirmation");
        var beforeAnswer = driver.MessagePosition;
        await SayAsMemberAsync(PublicAnswer);
        await driver.WaitForMessageAsync(m => m.ChannelOrChatId == chat() && m.AdaptiveCards.Any(c => CardText.AllText(c).Contains("crisis line volunteers", StringComparison.Ordinal)), after: beforeAnswer, expectation: "the capture card of the member's answer");

        // The lead publishes: the channel post has both answers.
        var beforePublish = driver.MessagePosition;
        await driver.SendPersonalMessageAsync("publish");
        var post = await driver.WaitForMessageAsync(
            m => m.ChannelOrChatId == squad.Config.Team.Id && m.AdaptiveCards.Any(c => CardText.AllText(c).Contains("crisis line volunteers", StringComparison.Ordinal)),
            after: beforePublish, expectation: "the weeknote in the channel");
        Assert.Contains(post.AdaptiveCards, c => CardText.AllText(c).Contains("finance director", StringComparison.Ordinal));
        await driver.WaitForMessageAsync(m => m.ChannelOrChatId == chat() && (m.Text ?? "").Contains("Published Update 1", StringComparison.Ordinal), after: beforePublish, expectation: "the lead's publish confirmation");

        // The open pages: the index lists Update 1; the edition and the feed have the public answer under the first name only.
        var firstName = member.Name!.Split(' ')[0];
        using var http = new HttpClient { BaseAddress = fixture.Bot.BaseAddress };
        var index = await GetOkAsync(http, $"/weeknotes/{Slug}/");
        Assert.Contains("Update 1", index, StringComparison.Ordinal);
        // The week the lead published (the squad's current week, as the bot reckons it).
        var week = Assert.Single(await fixture.Bot.Services.GetRequiredService<OpenEditionStore>().ListAsync(Slug, CancellationToken.None)).Week;
        var page = await GetOkAsync(http, $"/weeknotes/{Slug}/{week}/");
        var feed = await GetOkAsync(http, $"/weeknotes/{Slug}/feed.atom");
        foreach (var (what, text) in new[] { ("edition page", page), ("Atom feed", feed) })
        {
            Assert.True(text.Contains("crisis line volunteers", StringComparison.Ordinal), $"The {what} should have the public answer.{fixture.Diagnostics()}");
            Assert.True(text.Contains($"{PublicAnswer} — {firstName}", StringComparison.Ordinal), $"The {what} should name the member by first name: {text}");
            Assert.DoesNotContain(member.Name!, text, StringComparison.Ordinal);
            Assert.DoesNotContain("finance director", text, StringComparison.Ordinal);
        }

        // The member erases their data: their item leaves the page and the feed.
        var beforeErase = driver.MessagePosition;
        await SayAsMemberAsync("erase my data");
        var erased = await driver.WaitForMessageAsync(m => m.ChannelOrChatId == chat() && (m.Text ?? "").Contains("Erased", StringComparison.Ordinal), after: beforeErase, expectation: "the erasure report");
        Assert.Contains("your items in 1 public weeknote (gone", erased.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("crisis line volunteers", await GetOkAsync(http, $"/weeknotes/{Slug}/{week}/"), StringComparison.Ordinal);
        Assert.DoesNotContain("crisis line volunteers", await GetOkAsync(http, $"/weeknotes/{Slug}/feed.atom"), StringComparison.Ordinal);

        await fixture.AssertCardsValidAsync(driver.Messages.Skip(start));

        // The Playground has one personal chat (the current user's) and refuses other senders in it, so another member's
        // 1:1 message goes in through its custom-activity API: a message activity from that member, forwarded verbatim.
        // The bot's replies land in the streamed personal chat.
        Task SayAsMemberAsync(string text) => driver.SendCustomActivityAsync(null, squad.Config.PersonalChatId, activity =>
        {
            activity["type"] = "message";
            activity["id"] = Guid.NewGuid().ToString("N");
            activity["text"] = text;
            activity["textFormat"] = "plain";
            activity["from"] = new System.Text.Json.Nodes.JsonObject { ["id"] = member.Id, ["name"] = member.Name };
        });
    }

    private async Task<string> GetOkAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync(new Uri(path, UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: {(int)response.StatusCode} {body}{fixture.Diagnostics()}");
        return body;
    }
}
