using Microsoft.Extensions.DependencyInjection;
using UpdateBot.Answers;
using UpdateBot.Cards;
using UpdateBot.Domain;
using UpdateBot.Storage;
using UpdateBot.Tests.Infrastructure;
using UpdateBot.Turns;

namespace UpdateBot.Tests;

/// <summary>Regressions for the code review: lost free text, commands hidden in answers, stale forms, closed weeks, privacy in channels.</summary>
public sealed class ReviewFindingsTests(AzuriteFixture tables) : IClassFixture<AzuriteFixture>
{
    private static readonly DateTimeOffset ThursdayNoon = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
    private static readonly IsoWeek Week = IsoWeek.Parse("2026-W48");

    [Theory]
    [InlineData("Publish date for the strategy is agreed")]
    [InlineData("export licence approved for the pilot")]
    [InlineData("my update: ran two research sessions")]
    [InlineData("prompt now that the DPIA is signed we can start")]
    [InlineData("status of the referral API: green")]
    [InlineData("back from the conference, met the ICB team")]
    [InlineData("Away day in Leeds was great, met the ICB")]
    [InlineData("away from the desk most of the week, pairing with the ICB team")]
    public void Sentences_that_start_with_a_command_word_are_answers(string text) =>
        Assert.Equal(CommandKind.Unknown, Commands.Parse(text).Kind);

    [Theory]
    [InlineData("publish", CommandKind.Publish, "")]
    [InlineData("export 2026-W47", CommandKind.Export, "2026-W47")]
    [InlineData("away until 12 Dec", CommandKind.Away, "until 12 Dec")]
    [InlineData("away next week", CommandKind.Away, "next week")]
    [InlineData("Away for 2 weeks.", CommandKind.Away, "for 2 weeks")]
    [InlineData("away", CommandKind.Away, "")]
    [InlineData("away until", CommandKind.Away, "until")]
    [InlineData("<at>UpdateBot</at> help", CommandKind.Help, "")]
    [InlineData("Prompt now.", CommandKind.PromptNow, "")]
    public void Commands_alone_or_with_their_argument_still_work(string text, CommandKind kind, string argument)
    {
        var command = Commands.Parse(text);
        Assert.Equal(kind, command.Kind);
        Assert.Equal(argument, command.Argument);
    }

    [Fact]
    public async Task Two_messages_typed_at_once_both_land_in_the_answer()
    {
        await using var squad = new TestSquad(tables, "capture", ThursdayNoon);
        await using var host = squad.StartHost();
        var seeded = await host.SeedSquadAsync(TestSquad.TeamId, TestSquad.People, [TestSquad.Lead]);
        var member = TestSquad.People[1];

        // Four at once: each conflict means another write succeeded, so all land within the service's ten attempts.
        var texts = Enumerable.Range(1, 4).Select(i => $"message {i}").ToList();
        await Task.WhenAll(texts.Select(text => host.InScopeAsync(sp =>
            sp.GetRequiredService<AnswerService>().CaptureAsync(new AnswerFor(seeded, Week, member.Id, member.Name), text, CancellationToken.None))));

        var stored = await host.Get<EntryStore>().GetAsync(TestSquad.TeamId, Week, member.Id, CancellationToken.None);
        var highlights = stored!.Entry.Answers[seeded.Settings.Sections[0].Id];
        Assert.All(texts, text => Assert.Contains(text, highlights, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_form_shown_before_a_newer_answer_does_not_overwrite_it()
    {
        await using var squad = new TestSquad(tables, "stale", ThursdayNoon);
        await using var host = squad.StartHost();
        var seeded = await host.SeedSquadAsync(TestSquad.TeamId, TestSquad.People, [TestSquad.Lead]);
        var member = TestSquad.People[1];
        var first = seeded.Settings.Sections[0].Id;
        var emptyBasis = PromptCards.AnswersFingerprint(new Dictionary<string, string>());

        // Typed in the chat after the prompt card (with its empty basis) was shown.
        await host.InScopeAsync(sp => sp.GetRequiredService<AnswerService>().CaptureAsync(new AnswerFor(seeded, Week, member.Id, member.Name), "typed on my phone", CancellationToken.None));
        var outcome = await host.InScopeAsync(sp => sp.GetRequiredService<AnswerService>().SubmitAsync(new AnswerFor(seeded, Week, member.Id, member.Name),
            new Dictionary<string, string?> { ["basis"] = emptyBasis, [PromptCards.SectionInput(first)] = "from the old desktop card" }, CancellationToken.None));

        Assert.False(outcome.Saved);
        var stored = await host.Get<EntryStore>().GetAsync(TestSquad.TeamId, Week, member.Id, CancellationToken.None);
        Assert.Equal("typed on my phone", stored!.Entry.Answers[first]);
        var card = Teams.Cards.CardJson.Serialize(outcome.Card);
        Assert.Contains("changed since this card was shown", card, StringComparison.Ordinal);
        Assert.Contains("from the old desktop card", card, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Undo_and_away_do_not_change_a_closed_week()
    {
        await using var squad = new TestSquad(tables, "closed", ThursdayNoon);
        await using var host = squad.StartHost();
        var seeded = await host.SeedSquadAsync(TestSquad.TeamId, TestSquad.People, [TestSquad.Lead]);
        var member = TestSquad.People[1];
        var first = seeded.Settings.Sections[0].Id;
        await host.InScopeAsync(sp => sp.GetRequiredService<AnswerService>().CaptureAsync(new AnswerFor(seeded, Week, member.Id, member.Name), "shipped it", CancellationToken.None));

        squad.Time.SetUtcNow(new DateTimeOffset(2026, 11, 30, 9, 0, 0, TimeSpan.Zero)); // the Monday after: W48 is closed
        await host.InScopeAsync(sp => sp.GetRequiredService<AnswerService>().UndoCaptureAsync(new AnswerFor(seeded, Week, member.Id, member.Name), first, "shipped it", CancellationToken.None));
        await host.InScopeAsync(sp => sp.GetRequiredService<AnswerService>().AwayAsync(new AnswerFor(seeded, Week, member.Id, member.Name), new DateOnly(2026, 12, 12), CancellationToken.None));

        var stored = await host.Get<EntryStore>().GetAsync(TestSquad.TeamId, Week, member.Id, CancellationToken.None);
        Assert.Equal(EntryStatus.Answered, stored!.Entry.Status);
        Assert.Equal("shipped it", stored.Entry.Answers[first]);
        var away = await host.Get<MemberStore>().GetAsync(TestSquad.TeamId, member.Id, CancellationToken.None);
        Assert.Equal(new DateOnly(2026, 12, 12), away!.AwayUntil);
    }

    [Fact]
    public async Task Preview_in_the_channel_is_refused_and_shows_no_answers()
    {
        await using var squad = new TestSquad(tables, "chan", ThursdayNoon);
        await using var host = squad.StartHost();
        var seeded = await host.SeedSquadAsync(TestSquad.TeamId, TestSquad.People, [TestSquad.Lead]);
        var member = TestSquad.People[1];
        await host.InScopeAsync(sp => sp.GetRequiredService<AnswerService>().CaptureAsync(new AnswerFor(seeded, Week, member.Id, member.Name), "PRIVATE NOTE", CancellationToken.None));
        var lead = TestSquad.People.First(p => p.Id == TestSquad.Lead);

        var message = Activities.PersonalMessage(lead.Id, lead.Name, "<at>UpdateBot</at> preview");
        message["conversation"] = new System.Text.Json.Nodes.JsonObject { ["id"] = BotTestHost.ChannelOf(TestSquad.TeamId) + ";messageid=1", ["conversationType"] = "channel", ["isGroup"] = true, ["tenantId"] = FakeTeams.TenantId };
        message["channelData"] = new System.Text.Json.Nodes.JsonObject { ["team"] = new System.Text.Json.Nodes.JsonObject { ["id"] = TestSquad.TeamId }, ["tenant"] = new System.Text.Json.Nodes.JsonObject { ["id"] = FakeTeams.TenantId } };
        host.AssertOk(await host.PostActivityAsync(message));

        var sent = string.Join("\n", host.Teams.Requests.Select(r => r.Body));
        Assert.DoesNotContain("PRIVATE NOTE", sent, StringComparison.Ordinal);
        Assert.Contains("1:1 chat", sent, StringComparison.Ordinal);
    }
}
