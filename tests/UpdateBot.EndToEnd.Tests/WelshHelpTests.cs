using UpdateBot.EndToEnd.Tests.Driver;
using UpdateBot.EndToEnd.Tests.Infrastructure;

namespace UpdateBot.EndToEnd.Tests;

/// <summary>Welsh and English (README): in the real Playground, <c>iaith Cymraeg</c> then <c>cymorth</c> gives the Welsh help card.</summary>
public sealed class WelshHelpTests(EndToEndFixture fixture) : IClassFixture<EndToEndFixture>
{
    [Fact(DisplayName = "iaith Cymraeg switches the member to Welsh and cymorth shows the Welsh help card")]
    public async Task Iaith_Cymraeg_then_cymorth_shows_the_Welsh_help_card()
    {
        var driver = fixture.Driver;
        var config = await driver.GetConfigAsync();
        await driver.InstallPersonalAsync();
        var after = driver.MessagePosition;

        await driver.SendPersonalMessageAsync("iaith Cymraeg");
        await driver.WaitForMessageAsync(m => m.Text?.Contains("bydda i'n siarad Cymraeg", StringComparison.Ordinal) == true, after: after, expectation: "the Welsh confirmation of iaith Cymraeg");

        after = driver.MessagePosition;
        await driver.SendPersonalMessageAsync("cymorth");
        var (_, card) = await driver.WaitForCardAsync("Cymorth UpdateBot", config.PersonalChatId, after: after, expectation: "the Welsh help card in the personal chat");
        var text = CardText.AllText(card);
        foreach (var command in new[] { "fy niweddariad", "wythnos dawel", "i ffwrdd tan 12 Rhag", "iaith Cymraeg / Saesneg" })
        {
            Assert.True(text.Contains(command, StringComparison.Ordinal), $"The Welsh help card does not say \"{command}\". Card text:\n{text}{fixture.Diagnostics()}");
        }

        await fixture.AssertCardsValidAsync(driver.Messages.Skip(after));

        // And back: English words work for a Welsh speaker too.
        after = driver.MessagePosition;
        await driver.SendPersonalMessageAsync("language English");
        await driver.WaitForMessageAsync(m => m.Text?.Contains("I'll speak to you in English", StringComparison.Ordinal) == true, after: after, expectation: "the English confirmation of language English");
    }
}
