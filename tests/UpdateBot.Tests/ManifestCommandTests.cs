using System.Text.Json.Nodes;
using UpdateBot.Tests.Infrastructure;
using UpdateBot.Turns;

namespace UpdateBot.Tests;

/// <summary>
/// Issue 12: the command lists of the Teams manifest (manifest/manifest.json) offer in each scope only what the bot
/// does there: every listed title is a command, and in the team channel none is one the bot turns away (what shows
/// people's answers, or a member's own commands, which it does only 1:1).
/// </summary>
public sealed class ManifestCommandTests(AzuriteFixture tables) : IClassFixture<AzuriteFixture>
{
    private static readonly DateTimeOffset ThursdayNoon = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    private static readonly string[] RefusedInTheChannel =
    [
        "I only do it in our 1:1 chat",
        "message me 1:1 for that",
    ];

    [Fact]
    public void Every_command_the_manifest_lists_is_one_the_bot_knows()
    {
        foreach (var scope in new[] { "personal", "team" })
        {
            foreach (var title in Titles(scope))
            {
                Assert.True(Commands.Parse(title).Kind != CommandKind.Unknown, $"the {scope} command list offers \"{title}\", which is not a command");
            }
        }
    }

    [Fact]
    public async Task Every_command_of_the_team_list_is_answered_in_the_channel_and_none_is_turned_away()
    {
        await using var squad = new TestSquad(tables, "manifest", ThursdayNoon);
        var host = squad.StartHost();
        await host.SeedSquadAsync(TestSquad.TeamId, TestSquad.People, [TestSquad.Lead]);

        var titles = Titles("team");
        Assert.NotEmpty(titles);
        foreach (var title in titles)
        {
            var before = squad.Teams.Requests.Count;
            host.AssertOk(await host.PostActivityAsync(Activities.ChannelMention(TestSquad.TeamId, TestSquad.Lead, "Lena Lead", title)));

            var answers = squad.Teams.Requests.Skip(before).Where(r => r.Method == HttpMethod.Post || r.Method == HttpMethod.Put).Select(r => r.Body).ToList();
            Assert.True(answers.Count > 0, $"\"{title}\" in the channel got no answer");
            foreach (var refusal in RefusedInTheChannel)
            {
                Assert.DoesNotContain(answers, body => body.Contains(refusal, StringComparison.Ordinal));
            }
        }
    }

    private static List<string> Titles(string scope)
    {
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "manifest", "manifest.json")))!;
        return manifest["bots"]![0]!["commandLists"]!.AsArray()
            .Where(l => l!["scopes"]!.AsArray().Any(s => (string?)s == scope))
            .SelectMany(l => l!["commands"]!.AsArray().Select(c => (string)c!["title"]!))
            .ToList();
    }
}
