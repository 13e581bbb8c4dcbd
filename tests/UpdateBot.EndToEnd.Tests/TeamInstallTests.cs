using UpdateBot.EndToEnd.Tests.Driver;
using UpdateBot.EndToEnd.Tests.Infrastructure;

namespace UpdateBot.EndToEnd.Tests;

public sealed class TeamInstallTests(EndToEndFixture fixture) : IClassFixture<EndToEndFixture>
{
    [Fact(DisplayName = "Team install shows the welcome card")]
    public async Task Team_install_shows_the_welcome_card()
    {
        var driver = fixture.Driver;
        var config = await driver.GetConfigAsync();
        var after = driver.MessagePosition;

        await driver.InstallInTeamAsync();

        // docs/protocol.md, "Install lifecycle": the app added to a team gets installationUpdate add; the bot greets the team's channel.
        var (welcome, _) = await driver.WaitForCardAsync(BotCards.WelcomeTitle, config.Team.Id, after: after, expectation: "the welcome card in the team channel");
        Assert.True(welcome.IsCreate, $"The welcome card should be a new post, got {welcome}.{fixture.Diagnostics()}");

        // Then the setup card (channel or the installer's 1:1 chat): any further card from the bot.
        var setup = await driver.WaitForMessageAsync(
            m => m.Sequence > welcome.Sequence && m.IsCreate && m.AdaptiveCards.Any(),
            after: after, expectation: "setup card after the welcome card");

        await fixture.AssertCardsValidAsync(driver.Messages.Skip(after));
        Assert.NotEqual(welcome.MessageId, setup.MessageId);
    }
}
