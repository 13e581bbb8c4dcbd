using System.Net;
using UpdateBot.Cards;
using UpdateBot.Storage;
using UpdateBot.Tests.Infrastructure;

namespace UpdateBot.Tests;

/// <summary>
/// What the weekly cycle does with connector answers it cannot use (issue 9, build point 4): a roster read that is not
/// a roster removes nobody, and a send Teams took without saying its id is never sent twice.
/// </summary>
public sealed class ConnectorAnswerTests(AzuriteFixture tables) : IClassFixture<AzuriteFixture>
{
    private static readonly DateTimeOffset OpenAt = new(2026, 11, 26, 10, 0, 0, TimeSpan.Zero); // Thu 10:00 London

    [Theory]
    [InlineData("{}")]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("""{"members":null}""")]
    public async Task A_roster_page_that_is_not_a_page_removes_nobody_and_everyone_is_still_prompted(string answer)
    {
        await using var squad = new TestSquad(tables, "Roster", OpenAt);
        var host = squad.StartHost();
        await host.SeedSquadAsync(TestSquad.TeamId, TestSquad.People, [TestSquad.Lead]);
        squad.Teams.MembersPageAnswer = answer;

        await host.TickAsync();

        var members = await host.Get<MemberStore>().ListAsync(TestSquad.TeamId, CancellationToken.None);
        Assert.Equal(TestSquad.People.Count, members.Count);
        Assert.All(members, m => Assert.True(m.InRoster, $"{m.Name} was marked as having left"));
        Assert.All(TestSquad.People, p => Assert.Single(squad.Prompts(p.Id)));
    }

    [Fact]
    public async Task A_genuinely_empty_roster_still_marks_leavers()
    {
        await using var squad = new TestSquad(tables, "Empty", OpenAt);
        var host = squad.StartHost();
        await host.SeedSquadAsync(TestSquad.TeamId, TestSquad.People, [TestSquad.Lead]);
        squad.Teams.MembersPageAnswer = """{"members":[]}""";

        await host.TickAsync();

        var members = await host.Get<MemberStore>().ListAsync(TestSquad.TeamId, CancellationToken.None);
        Assert.All(members, m => Assert.False(m.InRoster));
    }

    [Fact]
    public async Task A_prompt_teams_took_without_an_id_is_not_sent_again_and_the_lead_sees_it_unconfirmed()
    {
        await using var squad = new TestSquad(tables, "NoId", OpenAt);
        var host = squad.StartHost();
        await host.SeedSquadAsync(TestSquad.TeamId, TestSquad.People, [TestSquad.Lead]);
        squad.Teams.AcceptWithoutId["29:ada"] = true;

        await host.TickAsync();
        for (var i = 0; i < 3; i++)
        {
            squad.Time.Advance(TimeSpan.FromMinutes(3));
            await host.TickAsync();
        }

        Assert.Single(squad.Prompts("29:ada"));
        squad.Teams.AcceptWithoutId.Clear();
        squad.Teams.Clear();
        var reply = await host.PostActivityAsync(Activities.PersonalMessage(TestSquad.Lead, "Lena Lead", "status"));
        Assert.Equal(HttpStatusCode.OK, reply.StatusCode);
        var text = FakeTeams.Text(Assert.Single(squad.Teams.SendsTo(TestSquad.Lead)).Json);
        Assert.Contains(StatusCards.StatusTitle, text);
        var line = text.Split('\n').SkipWhile(l => !l.Contains("Ada Lovelace", StringComparison.Ordinal)).Take(4);
        Assert.True(line.Any(l => l.Contains("unconfirmed", StringComparison.OrdinalIgnoreCase)), text);
    }
}
