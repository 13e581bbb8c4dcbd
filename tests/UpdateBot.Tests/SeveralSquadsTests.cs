using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using UpdateBot.Cards;
using UpdateBot.Domain;
using UpdateBot.Storage;
using UpdateBot.Tests.Infrastructure;

namespace UpdateBot.Tests;

/// <summary>
/// People in several squads (issue 10, "Several squads per person"; "No whole-table scans on request paths"): two teams,
/// one person who is a member and a lead of both, every command for either squad, a one-tap choice when the message
/// does not say which, and no request that scans a table.
/// </summary>
public sealed class SeveralSquadsTests(AzuriteFixture tables) : IClassFixture<AzuriteFixture>
{
    private static readonly DateTimeOffset ThursdayNoon = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
    private static readonly IsoWeek Week = IsoWeek.Parse("2026-W48");
    private const string AlphaTeam = "19:team-alpha@thread.tacv2";
    private const string BetaTeam = "19:team-beta@thread.tacv2";
    private static readonly (string Id, string Name) Pat = ("29:pat", "Pat Both");
    private static readonly (string Id, string Name) Ada = ("29:ada", "Ada Lovelace");

    private sealed record TwoSquads(TestSquad Squad, BotTestHost Host) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Squad.DisposeAsync();
    }

    private async Task<TwoSquads> TwoSquadsAsync(string prefix)
    {
        var squad = new TestSquad(tables, prefix, ThursdayNoon);
        var host = squad.StartHost();
        await host.SeedSquadAsync(AlphaTeam, [Pat, Ada, ("29:al", "Al Only")], [Pat.Id], name: "Alpha");
        await host.SeedSquadAsync(BetaTeam, [Pat, Ada, ("29:be", "Be Only")], [Pat.Id], name: "Beta");
        squad.Storage.Queries.Clear();
        return new TwoSquads(squad, host);
    }

    /// <summary>Says something 1:1 and returns everything the bot answered in that chat (texts and cards).</summary>
    private static async Task<string> SayAsync(BotTestHost host, (string Id, string Name) person, string text)
    {
        var before = host.Teams.SendsTo(person.Id).Count;
        host.AssertOk(await host.PostActivityAsync(Activities.PersonalMessage(person.Id, person.Name, text)));
        return Said(host, person.Id, before);
    }

    private static string Said(BotTestHost host, string userId, int from) =>
        string.Join("\n", host.Teams.SendsTo(userId).Skip(from).Select(r => r.Body));

    /// <summary>The choices on the last choice card sent to the person: squad id, token, all.</summary>
    private static List<(string SquadId, string Token, bool All)> Choices(BotTestHost host, string userId)
    {
        var card = host.Teams.SendsTo(userId).Select(r => FakeTeams.Card(r.Json)).Last(c => c?.ToJsonString().Contains(SquadChoiceCards.ChoiceTitle, StringComparison.Ordinal) == true);
        var found = new List<(string, string, bool)>();
        Collect(card, found);
        return found.Distinct().ToList();
    }

    private static void Collect(JsonNode? node, List<(string, string, bool)> found)
    {
        switch (node)
        {
            case JsonObject o when o["token"] is JsonValue token && o["squadId"] is JsonValue squadId:
                found.Add((squadId.GetValue<string>(), token.GetValue<string>(), o["all"]?.GetValue<bool>() == true));
                break;
            case JsonObject o:
                foreach (var property in o)
                {
                    Collect(property.Value, found);
                }

                break;
            case JsonArray a:
                foreach (var item in a)
                {
                    Collect(item, found);
                }

                break;
        }
    }

    private static async Task<JsonNode?> TapAsync(BotTestHost host, (string Id, string Name) person, (string SquadId, string Token, bool All) choice)
    {
        var (status, body) = await host.InvokeAsync(Activities.Execute(person.Id, person.Name, Verbs.SquadChoose,
            new JsonObject { ["squadId"] = choice.SquadId, ["token"] = choice.Token, ["all"] = choice.All }));
        Assert.Equal(System.Net.HttpStatusCode.OK, status);
        return body;
    }

    private static void AssertNoTableScans(TestSquad squad)
    {
        // The calls were recorded (member commands now find their squads by point reads, so there may be no query).
        Assert.NotEmpty(squad.Storage.Calls);
        Assert.Empty(squad.Storage.QueriesWithoutPartitionKey());
    }

    [Fact]
    public async Task A_lead_of_two_squads_can_run_every_lead_command_for_either_by_naming_it()
    {
        await using var two = await TwoSquadsAsync("twolead");
        var host = two.Host;

        foreach (var (name, teamId) in new[] { ("Alpha", AlphaTeam), ("Beta", BetaTeam) })
        {
            var other = name == "Alpha" ? "Beta" : "Alpha";
            Assert.Contains($"{name}: this week", await SayAsync(host, Pat, $"status {name}"), StringComparison.Ordinal);
            Assert.Contains($"Prompts for {name}", await SayAsync(host, Pat, $"prompt now {name}"), StringComparison.Ordinal);
            Assert.Contains($"Reminders for {name}", await SayAsync(host, Pat, $"remind now {name}"), StringComparison.Ordinal);
            Assert.Contains($"{name}'s week", await SayAsync(host, Pat, $"send again {name}"), StringComparison.Ordinal);

            await host.InScopeAsync(sp => sp.GetRequiredService<UpdateBot.Answers.AnswerService>().CaptureAsync(
                new UpdateBot.Answers.AnswerFor((sp.GetRequiredService<SquadStore>().GetAsync(teamId, CancellationToken.None).GetAwaiter().GetResult())!, Week, Ada.Id, Ada.Name), $"words for {name}", CancellationToken.None));
            var preview = await SayAsync(host, Pat, $"preview {name}");
            Assert.Contains($"words for {name}", preview, StringComparison.Ordinal);
            Assert.DoesNotContain($"words for {other}", preview, StringComparison.Ordinal);

            var export = await SayAsync(host, Pat, $"export {name} {Week}");
            Assert.Contains($"{name} weeknotes", export, StringComparison.Ordinal);
            Assert.DoesNotContain($"words for {other}", export, StringComparison.Ordinal);

            Assert.Contains("Published Update 1", await SayAsync(host, Pat, $"publish {name}"), StringComparison.Ordinal);
            Assert.Contains($"{name}: recent weeknotes", await SayAsync(host, Pat, $"history {name}"), StringComparison.Ordinal);
            Assert.Contains($"\"value\":\"{name}\"", await SayAsync(host, Pat, $"settings {name}"), StringComparison.Ordinal);
        }

        AssertNoTableScans(two.Squad);
    }

    [Fact]
    public async Task A_command_that_names_no_squad_offers_a_one_tap_choice_that_works_once_on_another_instance()
    {
        await using var two = await TwoSquadsAsync("twochoice");
        var host = two.Host;

        var asked = await SayAsync(host, Pat, "status");
        Assert.Contains(SquadChoiceCards.ChoiceTitle, asked, StringComparison.Ordinal);
        Assert.DoesNotContain("this week's status", asked, StringComparison.Ordinal);
        var choices = Choices(host, Pat.Id);
        Assert.Equal([AlphaTeam, BetaTeam], choices.Select(c => c.SquadId).Order(StringComparer.Ordinal));

        // The tap lands on another instance: the waiting command is in storage, not in the first one's memory.
        var second = two.Squad.StartHost("host2");
        var before = host.Teams.SendsTo(Pat.Id).Count;
        await TapAsync(second, Pat, choices.Single(c => c.SquadId == BetaTeam));
        Assert.Contains("Beta: this week", Said(host, Pat.Id, before), StringComparison.Ordinal);

        // A second tap (another device) finds nothing waiting and does nothing.
        before = host.Teams.SendsTo(Pat.Id).Count;
        var again = await TapAsync(host, Pat, choices.Single(c => c.SquadId == AlphaTeam));
        Assert.Contains("already made", again?.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(before, host.Teams.SendsTo(Pat.Id).Count);
        AssertNoTableScans(two.Squad);
    }

    [Fact]
    public async Task Free_text_from_a_member_of_two_squads_is_kept_until_they_pick_one_and_goes_only_there()
    {
        await using var two = await TwoSquadsAsync("twocapture");
        var host = two.Host;

        Assert.Contains(SquadChoiceCards.ChoiceTitle, await SayAsync(host, Ada, "Met the ICB about the referral pilot"), StringComparison.Ordinal);
        var entries = host.Get<EntryStore>();
        Assert.Null(await entries.GetAsync(AlphaTeam, Week, Ada.Id, CancellationToken.None));
        Assert.Null(await entries.GetAsync(BetaTeam, Week, Ada.Id, CancellationToken.None));

        await TapAsync(host, Ada, Choices(host, Ada.Id).Single(c => c.SquadId == BetaTeam));

        var beta = await entries.GetAsync(BetaTeam, Week, Ada.Id, CancellationToken.None);
        Assert.Contains("Met the ICB about the referral pilot", beta!.Entry.Answers.Values);
        Assert.Null(await entries.GetAsync(AlphaTeam, Week, Ada.Id, CancellationToken.None));
        AssertNoTableScans(two.Squad);
    }

    [Fact]
    public async Task Member_commands_work_for_either_squad_and_stop_start_and_away_can_apply_to_all()
    {
        await using var two = await TwoSquadsAsync("twomember");
        var host = two.Host;
        var members = host.Get<MemberStore>();

        Assert.Contains("\"squadId\":\"" + BetaTeam, await SayAsync(host, Ada, "my update Beta"), StringComparison.Ordinal);
        await SayAsync(host, Ada, "quiet week Alpha");
        Assert.Equal(EntryStatus.Quiet, (await host.Get<EntryStore>().GetAsync(AlphaTeam, Week, Ada.Id, CancellationToken.None))!.Entry.Status);
        Assert.Null(await host.Get<EntryStore>().GetAsync(BetaTeam, Week, Ada.Id, CancellationToken.None));

        // "stop" asks; "all my squads" stops both.
        Assert.Contains(SquadChoiceCards.AllMySquads, await SayAsync(host, Ada, "stop"), StringComparison.Ordinal);
        await TapAsync(host, Ada, Choices(host, Ada.Id).Single(c => c.All));
        Assert.True((await members.GetAsync(AlphaTeam, Ada.Id, CancellationToken.None))!.OptedOut);
        Assert.True((await members.GetAsync(BetaTeam, Ada.Id, CancellationToken.None))!.OptedOut);

        // Naming one applies to that one only.
        Assert.Contains("back on Beta", await SayAsync(host, Ada, "start Beta"), StringComparison.Ordinal);
        Assert.True((await members.GetAsync(AlphaTeam, Ada.Id, CancellationToken.None))!.OptedOut);
        Assert.False((await members.GetAsync(BetaTeam, Ada.Id, CancellationToken.None))!.OptedOut);

        // "away" asks; "this squad" is that squad only.
        await SayAsync(host, Ada, "away until 12 Dec");
        await TapAsync(host, Ada, Choices(host, Ada.Id).Single(c => c is { SquadId: AlphaTeam, All: false }));
        Assert.Equal(new DateOnly(2026, 12, 12), (await members.GetAsync(AlphaTeam, Ada.Id, CancellationToken.None))!.AwayUntil);
        Assert.Null((await members.GetAsync(BetaTeam, Ada.Id, CancellationToken.None))!.AwayUntil);

        Assert.Contains("Welcome back to Beta", await SayAsync(host, Ada, "back Beta"), StringComparison.Ordinal);
        Assert.Contains("Only a lead of Alpha", await SayAsync(host, Ada, "status Alpha"), StringComparison.Ordinal);
        AssertNoTableScans(two.Squad);
    }

    [Fact]
    public async Task Help_my_data_and_a_card_action_never_scan_a_table()
    {
        await using var two = await TwoSquadsAsync("twoscan");
        var host = two.Host;
        await SayAsync(host, Ada, "help");
        await SayAsync(host, Ada, "my update Alpha");
        var (status, _) = await host.InvokeAsync(Activities.Execute(Ada.Id, Ada.Name, Verbs.PromptSubmit,
            new JsonObject { ["squadId"] = AlphaTeam, ["week"] = Week.ToString(), [PromptCards.SectionInput(SettingsValidation.DefaultSections[0].Id)] = "shipped" }));
        Assert.Equal(System.Net.HttpStatusCode.OK, status);
        Assert.Contains("Alpha", await SayAsync(host, Ada, "my data"), StringComparison.Ordinal);
        await SayAsync(host, Ada, "erase my data");
        AssertNoTableScans(two.Squad);
    }

    [Fact]
    public async Task The_status_reads_the_roster_and_its_markers_once_each_and_the_answers_by_point_reads()
    {
        await using var two = await TwoSquadsAsync("twostatus");
        var host = two.Host;
        await SayAsync(host, Pat, "prompt now Alpha");
        two.Squad.Storage.Queries.Clear();

        Assert.Contains("Alpha: this week", await SayAsync(host, Pat, "status Alpha"), StringComparison.Ordinal);

        // One partition query for the roster and one for the squad-week's markers (the steps come from them); the
        // answers by point reads, the person index by one.
        var queries = two.Squad.Storage.Queries.ToList();
        Assert.Single(queries, q => q.StartsWith(two.Squad.Prefix + "Members", StringComparison.Ordinal));
        Assert.DoesNotContain(queries, q => q.StartsWith(two.Squad.Prefix + "Entries", StringComparison.Ordinal));
        Assert.DoesNotContain(queries, q => q.StartsWith(two.Squad.Prefix + "People", StringComparison.Ordinal));
        Assert.Single(queries, q => q.StartsWith(two.Squad.Prefix + "Cycle", StringComparison.Ordinal));
        AssertNoTableScans(two.Squad);
    }

    [Fact]
    public async Task Roster_rows_from_before_the_person_index_are_linked_by_the_first_sweep()
    {
        await using var two = await TwoSquadsAsync("upgrade");
        var host = two.Host;
        var storage = host.Get<Tables>();

        // A member stored by an older version: a roster row and no link.
        await storage.Members.UpsertEntityAsync(new MemberRow { PartitionKey = TableKey.Encode(AlphaTeam), RowKey = TableKey.Encode("29:old"), UserId = "29:old", Name = "Old Timer" });
        Assert.Contains("not on a squad", await SayAsync(host, ("29:old", "Old Timer"), "my update"), StringComparison.Ordinal);

        await host.Get<UpdateBot.Cycle.RetentionSweep>().SweepAsync(two.Squad.Time.GetUtcNow().AddDays(-365), CancellationToken.None);

        Assert.Contains("\"squadId\":\"" + AlphaTeam, await SayAsync(host, ("29:old", "Old Timer"), "my update"), StringComparison.Ordinal);
        Assert.True((await storage.Members.GetEntityAsync<MemberRow>(TableKey.Encode(AlphaTeam), TableKey.Encode("29:old"))).Value.Indexed);
    }

    [Theory]
    [InlineData("status Alpha", "Alpha", "status")]
    [InlineData("export alpha 2026-W48", "Alpha", "export 2026-W48")]
    [InlineData("status Alpha Beta", "Alpha Beta", "status")]
    [InlineData("Alpha stop", null, null)]
    [InlineData("status Alphabet", null, null)]
    public void A_squad_is_named_by_whole_words_after_the_command(string text, string? squad, string? remainder)
    {
        Squad Named(string name) => new(name, "t", "s", "b", "c", true, SquadStore.DefaultSettings(name, null), 0, default);
        var found = UpdateBot.Squads.SquadDirectory.Named(text, [Named("Alpha"), Named("Alpha Beta")]);
        Assert.Equal(squad, found?.Squad.Settings.Name);
        Assert.Equal(remainder, found?.Remainder);
    }
}
