using System.Net;
using UpdateBot.Cards;
using UpdateBot.Tests.Infrastructure;

namespace UpdateBot.Tests;

/// <summary>
/// The team welcome (its post and the setup card in its thread) follows the delivery engine's rules like every other
/// message the bot originates (issue 8): retried after an outcome that proves nothing was delivered, never re-sent
/// after one that may have been, and then shown to the leads.
/// </summary>
public sealed class TeamWelcomeTests(AzuriteFixture tables) : IClassFixture<AzuriteFixture>
{
    private static readonly DateTimeOffset ThursdayNoon = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    private static IReadOnlyList<RecordedRequest> Welcomes(TestSquad squad) =>
        squad.Teams.ChannelPosts.Where(p => FakeTeams.Text(p.Json).Contains(WelcomeCards.WelcomeTitle, StringComparison.Ordinal)).ToList();

    private static IReadOnlyList<RecordedRequest> SetupCardsSent(TestSquad squad) =>
        squad.Teams.Requests.Where(r => r.Succeeded && r.Method == HttpMethod.Post && FakeTeams.Text(r.Json).Contains(SetupCards.SetupTitle, StringComparison.Ordinal)).ToList();

    private static async Task InstallAsync(TestSquad squad, BotTestHost host)
    {
        squad.Teams.SetTeam(TestSquad.TeamId, TestSquad.People);
        host.AssertOk(await host.PostActivityAsync(Activities.TeamInstall(TestSquad.TeamId, TestSquad.Lead, "Lena Lead")));
    }

    private static async Task TickForAnHourAsync(TestSquad squad, BotTestHost host)
    {
        for (var i = 0; i < 12; i++)
        {
            await host.TickAsync();
            squad.Time.Advance(TimeSpan.FromMinutes(5));
        }
    }

    [Fact]
    public async Task A_welcome_refused_before_it_was_written_is_posted_later_once_without_another_install_event()
    {
        await using var squad = new TestSquad(tables, "WelcomeRetry", ThursdayNoon);
        var host = squad.StartHost();
        squad.Teams.ChannelPostFault = (ConnectorFault.RefusedBeforeWrite, HttpStatusCode.OK, 2);

        await InstallAsync(squad, host);
        Assert.Empty(Welcomes(squad));
        await TickForAnHourAsync(squad, host);

        Assert.Single(Welcomes(squad));
        Assert.Single(SetupCardsSent(squad));
    }

    [Fact]
    public async Task A_setup_card_throttled_in_the_thread_is_sent_later_once_without_a_second_welcome()
    {
        await using var squad = new TestSquad(tables, "SetupRetry", ThursdayNoon);
        var host = squad.StartHost();
        squad.Teams.ThreadReplyFault = (HttpStatusCode.TooManyRequests, 1);

        await InstallAsync(squad, host);
        Assert.Empty(SetupCardsSent(squad));
        await TickForAnHourAsync(squad, host);

        Assert.Single(Welcomes(squad));
        Assert.Single(SetupCardsSent(squad));
    }

    [Fact]
    public async Task A_welcome_refused_at_install_is_not_retried_once_the_catch_up_window_has_passed()
    {
        await using var squad = new TestSquad(tables, "WelcomeLate", ThursdayNoon);
        var host = squad.StartHost();
        squad.Teams.ChannelPostFault = (ConnectorFault.RefusedBeforeWrite, HttpStatusCode.OK, 2);

        await InstallAsync(squad, host);
        squad.Time.Advance(TimeSpan.FromDays(2));
        await TickForAnHourAsync(squad, host);

        Assert.Empty(Welcomes(squad));
    }

    [Theory]
    [InlineData(ConnectorFault.DeliveredThenServerError)]
    [InlineData(ConnectorFault.DeliveredThenTimeout)]
    public async Task A_welcome_that_may_have_been_posted_is_never_posted_again_automatically_and_the_lead_sees_it_and_can_send_it_again(ConnectorFault fault)
    {
        await using var squad = new TestSquad(tables, "WelcomeMaybe", ThursdayNoon);
        var host = squad.StartHost();
        squad.Teams.ChannelPostFault = (fault, HttpStatusCode.OK, 1);

        await InstallAsync(squad, host);
        await TickForAnHourAsync(squad, host);
        host.AssertOk(await host.PostActivityAsync(Activities.TeamInstall(TestSquad.TeamId, TestSquad.Lead, "Lena Lead")));
        Assert.Single(Welcomes(squad));
        Assert.Empty(SetupCardsSent(squad));

        // The lead set the squad up another way (settings in the channel); status tells them about the welcome.
        await host.SeedSquadAsync(TestSquad.TeamId, TestSquad.People, [TestSquad.Lead]);
        var before = squad.Teams.SendsTo(TestSquad.Lead).Count;
        host.AssertOk(await host.PostActivityAsync(Activities.PersonalMessage(TestSquad.Lead, "Lena Lead", "status")));
        var status = string.Concat(squad.Teams.SendsTo(TestSquad.Lead).Skip(before).Select(r => FakeTeams.Text(r.Json)));
        Assert.Contains("Welcome post in the channel", status, StringComparison.Ordinal);
        Assert.Contains("Unconfirmed:", status, StringComparison.Ordinal);

        host.AssertOk(await host.PostActivityAsync(Activities.PersonalMessage(TestSquad.Lead, "Lena Lead", "send again")));
        Assert.Equal(2, Welcomes(squad).Count);
        Assert.Single(SetupCardsSent(squad));
    }
}
