using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using UpdateBot.Answers;
using UpdateBot.Cards;
using UpdateBot.Digests;
using UpdateBot.Domain;
using UpdateBot.Storage;
using UpdateBot.Tests.Infrastructure;

namespace UpdateBot.Tests;

/// <summary>Publishing exactly once, corrections in place, and two leads' edits (issue 4 items 2 and 3).</summary>
public sealed class DigestPublishTests(AzuriteFixture tables) : IClassFixture<AzuriteFixture>
{
    private const string SecondLead = "29:ada";
    private static readonly DateTimeOffset FridayPublish = new(2026, 11, 27, 16, 0, 0, TimeSpan.Zero);
    private static readonly IsoWeek Week = IsoWeek.Parse("2026-W48");

    /// <summary>Seeds the squad, answers arrive (the clock starts before the publish time), then the clock moves to <paramref name="then"/>.</summary>
    private static async Task<Squad> SeedWithAnswersAsync(BotTestHost host, DateTimeOffset then)
    {
        var squad = await host.SeedSquadAsync(TestSquad.TeamId, TestSquad.People, [TestSquad.Lead, SecondLead], autoPublish: true);
        await host.AnswerBoAndCyAsync(squad, Week);
        host.Time.Advance(then - host.Time.GetUtcNow());
        return squad;
    }

    private static Task<Digest> ComposeAsync(BotTestHost host, Squad squad) =>
        host.InScopeAsync(sp => sp.GetRequiredService<DigestService>().ComposeAsync(squad, Week, CancellationToken.None));

    private static JsonObject ItemData(DigestSection section, DigestItem item) => new()
    {
        ["squadId"] = TestSquad.TeamId,
        ["week"] = Week.ToString(),
        ["sectionId"] = section.SectionId,
        ["itemId"] = item.ItemId,
        ["basis"] = DigestCards.Fingerprint(item.Text),
    };

    [Fact]
    public async Task Two_leads_and_the_scheduler_publishing_at_once_make_exactly_one_channel_post()
    {
        await using var squad = new TestSquad(tables, "Publish", FridayPublish.AddHours(-2));
        var host = squad.StartHost();
        await SeedWithAnswersAsync(host, FridayPublish);
        var publish = new JsonObject { ["squadId"] = TestSquad.TeamId, ["week"] = Week.ToString() };

        await Task.WhenAll(
            Task.Run(() => host.InvokeAsync(Activities.Execute(TestSquad.Lead, "Lena Lead", Verbs.DigestPublish, publish.DeepClone().AsObject()))),
            Task.Run(() => host.InvokeAsync(Activities.Execute(SecondLead, "Ada Lovelace", Verbs.DigestPublish, publish.DeepClone().AsObject()))),
            Task.Run(() => host.TickAsync()));
        await host.TickAsync();
        await host.InvokeAsync(Activities.Execute(SecondLead, "Ada Lovelace", Verbs.DigestPublish, publish.DeepClone().AsObject()));

        var post = Assert.Single(squad.Teams.ChannelPosts);
        var text = FakeTeams.Text(post.Json);
        Assert.Contains("Bo shipped the beat", text);
        Assert.Contains("Cy painted the wall", text);
        Assert.Equal(1, (await host.Get<EditionStore>().GetAsync(TestSquad.TeamId, Week, CancellationToken.None))?.Edition);
    }

    [Fact]
    public async Task A_correction_after_publishing_updates_the_same_post_in_place()
    {
        await using var squad = new TestSquad(tables, "Correct", FridayPublish.AddHours(-2));
        var host = squad.StartHost();
        var seeded = await SeedWithAnswersAsync(host, FridayPublish);
        await host.TickAsync();
        Assert.Single(squad.Teams.ChannelPosts);
        var marker = (await host.Get<CycleStore>().GetMarkerAsync(TestSquad.TeamId, Week, CycleStore.PostKey, CancellationToken.None))!;

        var digest = await ComposeAsync(host, seeded);
        var section = digest.Sections.Single(s => s.SectionId == "highlights");
        var hidden = section.Items.Single(i => i.Text == "Cy painted the wall");
        var (_, body) = await host.InvokeAsync(Activities.Execute(TestSquad.Lead, "Lena Lead", Verbs.DigestHide, ItemData(section, hidden)));
        Assert.Equal(200, body?["statusCode"]?.GetValue<int>());

        var put = Assert.Single(squad.Teams.Requests, r => r.Method == HttpMethod.Put);
        Assert.Equal($"/v3/conversations/{marker.ConversationId}/activities/{marker.ActivityId}", put.Path);
        var text = FakeTeams.Text(put.Json);
        Assert.Contains("Bo shipped the beat", text);
        Assert.DoesNotContain("Cy painted the wall", text);
        Assert.Single(squad.Teams.ChannelPosts); // corrected, not re-posted
    }

    [Fact]
    public async Task Two_leads_editing_the_same_item_from_the_same_basis_keep_the_first_edit_and_tell_the_second()
    {
        await using var squad = new TestSquad(tables, "Edits", FridayPublish.AddHours(-2));
        var host = squad.StartHost();
        var seeded = await SeedWithAnswersAsync(host, FridayPublish.AddHours(-1));
        var digest = await ComposeAsync(host, seeded);
        var section = digest.Sections.Single(s => s.SectionId == "highlights");
        var item = section.Items.Single(i => i.Text == "Bo shipped the beat");

        JsonObject Edit(string text)
        {
            var data = ItemData(section, item);
            data["inputId"] = "text0";
            data["text0"] = text;
            return data;
        }

        var (_, first) = await host.InvokeAsync(Activities.Execute(TestSquad.Lead, "Lena Lead", Verbs.DigestEdit, Edit("Bo shipped the beat, on time")));
        Assert.Equal(200, first?["statusCode"]?.GetValue<int>());
        squad.Teams.Clear();
        var (_, second) = await host.InvokeAsync(Activities.Execute(SecondLead, "Ada Lovelace", Verbs.DigestEdit, Edit("Bo shipped the beat, late")));

        var (edits, _) = await host.Get<CycleStore>().GetDraftAsync(TestSquad.TeamId, Week, CancellationToken.None);
        Assert.Equal("Bo shipped the beat, on time", edits.ItemEdits[item.ItemId].Text);

        // The second lead is told, in the invoke response or in their chat, and sees the latest text.
        var told = FakeTeams.Text(second) + string.Concat(squad.Teams.Requests.Where(r => r.Path.Contains(SecondLead, StringComparison.Ordinal)).Select(r => r.Body));
        Assert.Contains("Another lead changed this", told);
        Assert.Contains("Bo shipped the beat, on time", FakeTeams.Text(second));
    }
}
