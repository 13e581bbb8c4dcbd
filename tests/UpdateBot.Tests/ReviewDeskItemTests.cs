using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using UpdateBot.Answers;
using UpdateBot.Cards;
using UpdateBot.Digests;
using UpdateBot.Domain;
using UpdateBot.Squads;
using UpdateBot.Storage;
using UpdateBot.Tests.Infrastructure;

namespace UpdateBot.Tests;

/// <summary>
/// Review-desk item cards act on their item by its stable id (member and section), never by its place on the desk:
/// a card built before items were added, removed or reordered acts on the same item, or refuses clearly (issue 8).
/// </summary>
public sealed class ReviewDeskItemTests(AzuriteFixture tables) : IClassFixture<AzuriteFixture>
{
    private static readonly DateTimeOffset Review = new(2026, 11, 27, 14, 0, 0, TimeSpan.Zero);
    private static readonly IsoWeek Week = IsoWeek.Parse("2026-W48");

    private static async Task<Squad> SeedAsync(BotTestHost host, params (string Id, string Name, string Text)[] answers)
    {
        var squad = await host.SeedSquadAsync(TestSquad.TeamId, TestSquad.People, [TestSquad.Lead], autoPublish: false);
        await AnswerAsync(host, squad, answers);
        return squad;
    }

    private static Task AnswerAsync(BotTestHost host, Squad squad, params (string Id, string Name, string Text)[] answers) =>
        host.InScopeAsync(async sp =>
        {
            foreach (var (id, name, text) in answers)
            {
                await sp.GetRequiredService<AnswerService>().SubmitAsync(new AnswerFor(squad, Week, id, name), new Dictionary<string, string?> { ["s_highlights"] = text }, CancellationToken.None);
            }

            return 0;
        });

    /// <summary>The data of one action of the item card showing <paramref name="text"/>, as the lead's desk holds it now.</summary>
    private static async Task<JsonObject> ActionOnDeskAsync(BotTestHost host, Squad squad, string text, string verb)
    {
        var cards = await host.InScopeAsync(sp => sp.GetRequiredService<DigestService>().ReviewCardsAsync(squad, Week, TestSquad.Lead, CancellationToken.None));
        foreach (var card in cards.Skip(1).Select(c => JsonNode.Parse(UpdateBot.Teams.Cards.CardJson.Serialize(c))!))
        {
            foreach (var item in card["body"]!.AsArray().Where(b => FakeTeams.Text(b).Contains(text, StringComparison.Ordinal)))
            {
                var action = Actions(item).FirstOrDefault(a => a["verb"]?.GetValue<string>() == verb);
                if (action is not null)
                {
                    return action["data"]!.DeepClone().AsObject();
                }
            }
        }

        throw new InvalidOperationException($"No {verb} action for \"{text}\" on the desk.");
    }

    private static IEnumerable<JsonObject> Actions(JsonNode? node) => node switch
    {
        JsonObject o when o["verb"] is not null => [o, .. o.SelectMany(p => Actions(p.Value))],
        JsonObject o => o.SelectMany(p => Actions(p.Value)),
        JsonArray a => a.SelectMany(Actions),
        _ => [],
    };

    private static async Task<string> ClickAsync(TestSquad squad, BotTestHost host, string verb, JsonObject data)
    {
        var before = squad.Teams.Requests.Count;
        var (_, body) = await host.InvokeAsync(Activities.Execute(TestSquad.Lead, "Lena Lead", verb, data));
        return FakeTeams.Text(body) + string.Concat(squad.Teams.Requests.Skip(before).Where(r => r.Path.Contains(TestSquad.Lead, StringComparison.Ordinal)).Select(r => FakeTeams.Text(r.Json)));
    }

    [Theory]
    [InlineData(Verbs.DigestHide)]
    [InlineData(Verbs.DigestEdit)]
    public async Task An_action_from_a_desk_built_before_items_were_added_acts_on_the_same_item(string verb)
    {
        await using var squad = new TestSquad(tables, "DeskAdded", Review.AddHours(-3));
        var host = squad.StartHost();
        var seeded = await SeedAsync(host, ("29:cy", "Cy Twombly", "Cy painted the wall"));
        var data = await ActionOnDeskAsync(host, seeded, "Cy painted the wall", verb);

        // Items arrive before Cy's (Bo sorts first) after the desk was built.
        await AnswerAsync(host, seeded, ("29:bo", "Bo Diddley", "Bo shipped the beat"));
        if (verb == Verbs.DigestEdit)
        {
            data[data["inputId"]!.GetValue<string>()] = "Cy painted the whole wall";
        }

        await ClickAsync(squad, host, verb, data);

        var (edits, _) = await host.Get<CycleStore>().GetDraftAsync(TestSquad.TeamId, Week, CancellationToken.None);
        var cy = DigestComposer.ItemId("29:cy", "highlights");
        if (verb == Verbs.DigestHide)
        {
            Assert.Equal(new[] { cy }, edits.HiddenItemIds);
        }
        else
        {
            Assert.Equal(new[] { cy }, edits.ItemEdits.Keys);
            Assert.Equal("Cy painted the whole wall", edits.ItemEdits[cy].Text);
        }
    }

    [Theory]
    [InlineData(Verbs.DigestHide)]
    [InlineData(Verbs.DigestEdit)]
    [InlineData(Verbs.DigestRestore)]
    public async Task An_action_on_an_item_that_is_no_longer_in_the_draft_is_refused_with_a_clear_message_and_changes_nothing(string verb)
    {
        await using var squad = new TestSquad(tables, "DeskGone", Review.AddHours(-3));
        var host = squad.StartHost();
        var seeded = await SeedAsync(host, ("29:bo", "Bo Diddley", "Bo shipped the beat"), ("29:cy", "Cy Twombly", "Cy painted the wall"));
        var data = await ActionOnDeskAsync(host, seeded, "Cy painted the wall", verb == Verbs.DigestRestore ? Verbs.DigestHide : verb);
        if (verb == Verbs.DigestEdit)
        {
            data[data["inputId"]!.GetValue<string>()] = "Cy painted the whole wall";
        }

        // Cy's words leave the draft after the desk was built.
        await host.InScopeAsync(sp => sp.GetRequiredService<PrivacyService>().EraseAsync("29:cy", CancellationToken.None));
        var (before, beforeRow) = await host.Get<CycleStore>().GetDraftAsync(TestSquad.TeamId, Week, CancellationToken.None);

        var told = await ClickAsync(squad, host, verb, data);

        Assert.Contains("no longer in the draft", told, StringComparison.Ordinal);
        var (after, afterRow) = await host.Get<CycleStore>().GetDraftAsync(TestSquad.TeamId, Week, CancellationToken.None);
        Assert.Equal(beforeRow?.ETag, afterRow?.ETag);
        Assert.Empty(after.HiddenItemIds);
        Assert.Empty(after.ItemEdits);
    }
}
