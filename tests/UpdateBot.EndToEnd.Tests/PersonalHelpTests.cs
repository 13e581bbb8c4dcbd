using UpdateBot.EndToEnd.Tests.Driver;
using UpdateBot.EndToEnd.Tests.Infrastructure;

namespace UpdateBot.EndToEnd.Tests;

public sealed class PersonalHelpTests(EndToEndFixture fixture) : IClassFixture<EndToEndFixture>
{
    [Fact(DisplayName = "Personal help shows the help card")]
    public async Task Personal_help_shows_the_help_card()
    {
        var driver = fixture.Driver;
        var config = await driver.GetConfigAsync();
        await driver.InstallPersonalAsync();
        var after = driver.MessagePosition;

        await driver.SendPersonalMessageAsync("help");

        var (_, card) = await driver.WaitForCardAsync(BotCards.HelpTitle, config.PersonalChatId, after: after, expectation: "the help card in the personal chat");
        var text = CardText.AllText(card);
        foreach (var command in BotCards.HelpCommands)
        {
            Assert.True(text.Contains(command, StringComparison.OrdinalIgnoreCase),
                $"The help card does not mention the \"{command}\" command. Card text:\n{text}{fixture.Diagnostics()}");
        }

        await fixture.AssertCardsValidAsync(driver.Messages.Skip(after));
    }
}
