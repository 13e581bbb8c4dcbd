using System.Net;
using System.Text.Json.Nodes;
using UpdateBot.Cards;
using UpdateBot.Domain;
using UpdateBot.Storage;
using UpdateBot.Teams.Schema;
using UpdateBot.Tests.Infrastructure;

namespace UpdateBot.Tests;

/// <summary>
/// Card verbs by route (issue 9 item 6): each verb only from the conversations it is declared for, only by its
/// audience, only with the data it declares; a refused action changes nothing, writes nothing and re-points nothing.
/// </summary>
public sealed class CardRouteTests(AzuriteFixture tables) : IClassFixture<AzuriteFixture>
{
    private const string Ada = "29:ada";
    private const string Bob = "29:bob";
    private const string ChannelMessageId = "channel-card-1";
    private static readonly DateTimeOffset ThursdayNoon = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
    private static readonly IsoWeek Week = IsoWeek.Parse("2026-W48");

    private static JsonObject SquadWeek(params (string Key, JsonNode? Value)[] more)
    {
        var data = new JsonObject { ["squadId"] = TestSquad.TeamId, ["week"] = Week.ToString() };
        foreach (var (key, value) in more)
        {
            data[key] = value;
        }

        return data;
    }

    private static JsonObject Submit(params (string Section, string Text)[] answers) =>
        SquadWeek(answers.Select(a => (PromptCards.SectionInput(a.Section), (JsonNode?)a.Text)).ToArray());

    /// <summary>The classic <c>Action.Submit</c> fallback: a message whose value is the data plus the verb.</summary>
    private static JsonObject ClassicSubmit(string userId, string userName, string verb, JsonObject data, string? teamId = null, string? replyToId = null)
    {
        var activity = Activities.Execute(userId, userName, verb, data, teamId, replyToId);
        activity["type"] = "message";
        activity.Remove("name");
        var value = (JsonObject)data.DeepClone();
        value["verb"] = verb;
        activity["value"] = value;
        return activity;
    }

    private static void AssertError(int expected, HttpStatusCode status, JsonNode? body)
    {
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(expected, body?["statusCode"]?.GetValue<int>());
        Assert.Equal(AdaptiveCardInvokeResponse.ErrorType, body?["type"]?.GetValue<string>());
        Assert.False(string.IsNullOrWhiteSpace(body?["value"]?["message"]?.GetValue<string>()));
    }

    private static void AssertNoWrites(FakeTeams teams) =>
        Assert.DoesNotContain(teams.Requests, r => r.Method == HttpMethod.Put || (r.Method == HttpMethod.Post && r.Path.Contains("/activities", StringComparison.Ordinal)) || r.Path == "/v3/conversations");

    private static async Task<Squad> SeedAsync(BotTestHost host) =>
        await host.SeedSquadAsync(TestSquad.TeamId, [(TestSquad.Lead, "Lena Lead"), (Ada, "Ada Lovelace"), (Bob, "Bob Babbage")], [TestSquad.Lead]);

    [Theory]
    [InlineData(Verbs.PromptSubmit)]
    [InlineData(Verbs.PromptEdit)]
    [InlineData(Verbs.PromptQuiet)]
    [InlineData(Verbs.PromptRefresh)]
    public async Task A_member_verb_from_a_channel_is_refused_and_nothing_is_stored_or_put_over_the_channel_message(string verb)
    {
        await using var squad = new TestSquad(tables, "ChanMember", ThursdayNoon);
        var host = squad.StartHost();
        await SeedAsync(host);
        squad.Teams.Clear();

        var (status, body) = await host.InvokeAsync(Activities.Execute(Ada, "Ada Lovelace", verb, Submit(("highlights", "Posted over the channel")), TestSquad.TeamId, ChannelMessageId));

        AssertError(403, status, body);
        Assert.Empty(await host.Get<EntryStore>().ListAsync(TestSquad.TeamId, Week, CancellationToken.None));
        AssertNoWrites(squad.Teams);
    }

    [Fact]
    public async Task A_classic_submit_of_a_member_verb_from_a_channel_gets_a_friendly_line_and_nothing_is_stored_or_put()
    {
        await using var squad = new TestSquad(tables, "ChanSubmit", ThursdayNoon);
        var host = squad.StartHost();
        await SeedAsync(host);
        squad.Teams.Clear();

        host.AssertOk(await host.PostActivityAsync(ClassicSubmit(Ada, "Ada Lovelace", Verbs.PromptSubmit, Submit(("highlights", "Posted over the channel")), TestSquad.TeamId, ChannelMessageId)));

        Assert.Empty(await host.Get<EntryStore>().ListAsync(TestSquad.TeamId, Week, CancellationToken.None));
        Assert.DoesNotContain(squad.Teams.Requests, r => r.Method == HttpMethod.Put);
        var reply = Assert.Single(squad.Teams.Requests, r => r.Method == HttpMethod.Post);
        Assert.DoesNotContain("Posted over the channel", reply.Body, StringComparison.Ordinal);
        Assert.Contains("your own chat", reply.Json?["text"]?.GetValue<string>(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Verbs.DigestPublish)]
    [InlineData(Verbs.DigestRefresh)]
    [InlineData(Verbs.DigestIntro)]
    public async Task A_review_verb_from_a_lead_in_a_channel_is_refused(string verb)
    {
        await using var squad = new TestSquad(tables, "ChanReview", ThursdayNoon);
        var host = squad.StartHost();
        await SeedAsync(host);
        squad.Teams.Clear();

        var data = SquadWeek(("basis", DigestCards.Fingerprint(null)), (ReviewCards.IntroInput, "Set from the channel"));
        var (status, body) = await host.InvokeAsync(Activities.Execute(TestSquad.Lead, "Lena Lead", verb, data, TestSquad.TeamId, ChannelMessageId));

        AssertError(403, status, body);
        AssertNoWrites(squad.Teams);
        var (edits, _) = await host.Get<CycleStore>().GetDraftAsync(TestSquad.TeamId, Week, CancellationToken.None);
        Assert.Null(edits.Intro);
    }

    [Theory]
    [InlineData(Verbs.DigestPublish)]
    [InlineData(Verbs.DigestRefresh)]
    [InlineData(Verbs.DigestHide)]
    [InlineData(Verbs.DigestRestore)]
    [InlineData(Verbs.DigestEdit)]
    [InlineData(Verbs.DigestIntro)]
    [InlineData(Verbs.DigestMoveUp)]
    [InlineData(Verbs.DigestMoveDown)]
    public async Task A_lead_verb_from_a_member_who_is_not_a_lead_is_refused(string verb)
    {
        await using var squad = new TestSquad(tables, "NotLead", ThursdayNoon);
        var host = squad.StartHost();
        await SeedAsync(host);
        squad.Teams.Clear();

        var data = SquadWeek(("itemId", Bob + "/highlights"), ("sectionId", "highlights"), ("basis", DigestCards.Fingerprint(null)), ("inputId", "text0"), ("text0", "Rewritten"), (ReviewCards.IntroInput, "Not the lead's words"));
        var (status, body) = await host.InvokeAsync(Activities.Execute(Ada, "Ada Lovelace", verb, data));

        AssertError(403, status, body);
        AssertNoWrites(squad.Teams);
        var (edits, _) = await host.Get<CycleStore>().GetDraftAsync(TestSquad.TeamId, Week, CancellationToken.None);
        Assert.Equal(DigestEdits.None.Intro, edits.Intro);
        Assert.Empty(edits.HiddenItemIds);
        Assert.Empty(edits.ItemEdits);
        Assert.Null(edits.SectionOrder);
    }

    /// <summary>For each verb, data a card of ours could never send: a required value missing, or of the wrong type.</summary>
    public static TheoryData<string, string, string> MalformedData => new()
    {
        { Verbs.SetupSave, TestSquad.Lead, """{"squadId":"19:team-platform@thread.tacv2","name":42,"timeZone":"Europe/London"}""" },
        { Verbs.SetupSave, TestSquad.Lead, """{"name":"No squad named"}""" },
        { Verbs.PromptSubmit, Ada, """{"squadId":"19:team-platform@thread.tacv2","week":"2026-W48","s_highlights":42}""" },
        { Verbs.PromptSubmit, Ada, """{"squadId":"19:team-platform@thread.tacv2","s_highlights":"No week"}""" },
        { Verbs.PromptEdit, Ada, """{"squadId":"19:team-platform@thread.tacv2","week":48}""" },
        { Verbs.PromptQuiet, Ada, """{"squadId":["19:team-platform@thread.tacv2"],"week":"2026-W48"}""" },
        { Verbs.PromptRefresh, Ada, """{"squadId":"19:team-platform@thread.tacv2","week":"2026-W99"}""" },
        { Verbs.PromptAway, Ada, """{"squadId":"19:team-platform@thread.tacv2","week":"2026-W48","awayUntil":20261212}""" },
        { Verbs.CaptureMove, Ada, """{"squadId":"19:team-platform@thread.tacv2","week":"2026-W48","sectionId":"highlights","target":"blockers-and-asks"}""" },
        { Verbs.CaptureUndo, Ada, """{"squadId":"19:team-platform@thread.tacv2","week":"2026-W48","text":"Captured"}""" },
        { Verbs.DigestRefresh, TestSquad.Lead, """{"squadId":"19:team-platform@thread.tacv2","week":"2026-W48","itemId":7}""" },
        { Verbs.DigestPublish, TestSquad.Lead, """{"squadId":null,"week":"2026-W48"}""" },
        { Verbs.DigestHide, TestSquad.Lead, """{"squadId":"19:team-platform@thread.tacv2","week":"2026-W48","itemId":{"id":"29:bob/highlights"}}""" },
        { Verbs.DigestRestore, TestSquad.Lead, """{"squadId":"19:team-platform@thread.tacv2","week":"2026-W48"}""" },
        { Verbs.DigestEdit, TestSquad.Lead, """{"squadId":"19:team-platform@thread.tacv2","week":"2026-W48","itemId":"29:bob/highlights","basis":"x","text0":"No input id"}""" },
        { Verbs.DigestEdit, TestSquad.Lead, """{"squadId":"19:team-platform@thread.tacv2","week":"2026-W48","itemId":"29:bob/highlights","basis":"x","inputId":"text0","text0":5}""" },
        { Verbs.DigestIntro, TestSquad.Lead, """{"squadId":"19:team-platform@thread.tacv2","week":"2026-W48","basis":"E3B0C44298FC","intro":5}""" },
        { Verbs.DigestMoveUp, TestSquad.Lead, """{"squadId":"19:team-platform@thread.tacv2","week":"2026-W48","sectionId":3}""" },
        { Verbs.DigestMoveDown, TestSquad.Lead, """{"squadId":"19:team-platform@thread.tacv2","week":"2026-W48"}""" },
        { "prompt.delete-everything", Ada, """{"squadId":"19:team-platform@thread.tacv2","week":"2026-W48"}""" },
    };

    [Theory]
    [MemberData(nameof(MalformedData))]
    public async Task Malformed_data_for_a_verb_is_a_400_and_nothing_changes(string verb, string userId, string data)
    {
        await using var squad = new TestSquad(tables, "Malformed", ThursdayNoon);
        var host = squad.StartHost();
        var before = await SeedAsync(host);
        squad.Teams.Clear();
        var activity = Activities.Execute(userId, "Someone", verb, JsonNode.Parse(data)!.AsObject(), verb == Verbs.SetupSave ? TestSquad.TeamId : null, "card-1");

        var (status, body) = await host.InvokeAsync(activity);

        AssertError(400, status, body);
        AssertNoWrites(squad.Teams);
        Assert.Empty(await host.Get<EntryStore>().ListAsync(TestSquad.TeamId, Week, CancellationToken.None));
        var after = (await host.Get<SquadStore>().GetAsync(TestSquad.TeamId, CancellationToken.None))!;
        Assert.Equal(before.Settings.Name, after.Settings.Name);
        var (edits, _) = await host.Get<CycleStore>().GetDraftAsync(TestSquad.TeamId, Week, CancellationToken.None);
        Assert.Null(edits.Intro);
        Assert.Empty(edits.HiddenItemIds);
        Assert.Empty(edits.ItemEdits);
        Assert.Null(edits.SectionOrder);
    }

    [Fact]
    public async Task A_member_verb_from_another_members_personal_chat_is_refused_and_re_points_nothing()
    {
        await using var squad = new TestSquad(tables, "OtherChat", ThursdayNoon);
        var host = squad.StartHost();
        await SeedAsync(host);
        host.AssertOk(await host.PostActivityAsync(Activities.PersonalMessage(Ada, "Ada Lovelace", "help")));
        squad.Teams.Clear();

        var activity = Activities.Execute(Ada, "Ada Lovelace", Verbs.PromptSubmit, Submit(("highlights", "Into Bob's chat")), replyToId: "bobs-prompt-card");
        activity["conversation"]!["id"] = FakeTeams.PersonalConversationId(Bob);
        var (status, body) = await host.InvokeAsync(activity);

        AssertError(403, status, body);
        Assert.Empty(await host.Get<EntryStore>().ListAsync(TestSquad.TeamId, Week, CancellationToken.None));
        AssertNoWrites(squad.Teams);
        var stored = await host.Get<ConversationStore>().GetAsync(ConversationStore.User, Ada, CancellationToken.None);
        Assert.Equal(FakeTeams.PersonalConversationId(Ada), stored?.ConversationId);
    }

    [Fact]
    public async Task A_member_verb_from_the_members_own_chat_is_answered_with_the_updated_card_and_nothing_is_put()
    {
        await using var squad = new TestSquad(tables, "OwnChat", ThursdayNoon);
        var host = squad.StartHost();
        await SeedAsync(host);
        host.AssertOk(await host.PostActivityAsync(Activities.PersonalMessage(Ada, "Ada Lovelace", "help")));
        squad.Teams.Clear();

        var (status, body) = await host.InvokeAsync(Activities.Execute(Ada, "Ada Lovelace", Verbs.PromptSubmit, Submit(("highlights", "In my own chat")), replyToId: "adas-prompt-card"));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(200, body?["statusCode"]?.GetValue<int>());
        var entry = Assert.Single(await host.Get<EntryStore>().ListAsync(TestSquad.TeamId, Week, CancellationToken.None)).Entry;
        Assert.Equal("In my own chat", entry.Answers["highlights"]);
        // The invoke response is the card update in a 1:1 chat (docs/protocol.md, "Updating a card in place"): no PUT.
        Assert.Equal("application/vnd.microsoft.card.adaptive", body?["type"]?.GetValue<string>());
        Assert.Contains("In my own chat", body?["value"]?.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain(squad.Teams.Requests, r => r.Method == HttpMethod.Put);
    }
}
