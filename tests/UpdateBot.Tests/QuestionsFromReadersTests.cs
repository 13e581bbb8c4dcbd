using System.Net;
using System.Text.Json.Nodes;
using UpdateBot.Cards;
using UpdateBot.Storage;
using UpdateBot.Tests.Infrastructure;

namespace UpdateBot.Tests;

/// <summary>
/// Questions from readers (README, "Questions from readers"), against real tables and the fake connector: a reader
/// asks on the channel post, the item's author alone gets the question 1:1, their answer is posted in the weeknote's
/// thread naming both; the lead's status shows the question while it waits; erasure and <c>my data</c> follow it.
/// </summary>
public sealed class QuestionsFromReadersTests(AzuriteFixture tables) : IClassFixture<AzuriteFixture>
{
    private const string Question = "What did the roster sync fix for call handlers?";
    private const string Answer = "It stopped duplicate rows when someone joined twice.";

    private static readonly DateTimeOffset FridayAfternoon = new(2026, 11, 27, 15, 0, 0, TimeSpan.Zero);

    /// <summary>Every Action.Execute with this verb in a card, with its data.</summary>
    private static List<JsonObject> Executes(JsonNode? node, string verb)
    {
        var found = new List<JsonObject>();
        void Walk(JsonNode? n)
        {
            switch (n)
            {
                case JsonObject o:
                    if ((string?)o["type"] == "Action.Execute" && (string?)o["verb"] == verb && o["data"] is JsonObject data)
                    {
                        found.Add((JsonObject)data.DeepClone());
                    }

                    foreach (var (_, child) in o)
                    {
                        Walk(child);
                    }

                    break;
                case JsonArray a:
                    foreach (var child in a)
                    {
                        Walk(child);
                    }

                    break;
            }
        }

        Walk(node);
        return found;
    }

    private static async Task<(TestSquad Squad, BotTestHost Host, JsonObject Post)> PublishedAsync(AzuriteFixture tables, string prefix)
    {
        var squad = new TestSquad(tables, prefix, FridayAfternoon);
        var host = squad.StartHost();
        await host.SeedSquadAsync(TestSquad.TeamId, TestSquad.People, [TestSquad.Lead], autoPublish: false);
        var (status, _) = await host.InvokeAsync(Activities.Execute("29:ada", "Ada Lovelace", Verbs.PromptSubmit,
            new JsonObject { ["squadId"] = TestSquad.TeamId, ["week"] = "2026-W48", ["s_highlights"] = "Shipped the roster sync" }));
        Assert.Equal(HttpStatusCode.OK, status);
        host.AssertOk(await host.PostActivityAsync(Activities.PersonalMessage(TestSquad.Lead, "Lena Lead", "publish")));
        var post = Assert.Single(squad.Teams.ChannelPosts).Json!["activity"]!.AsObject();
        return (squad, host, post);
    }

    [Fact]
    public async Task A_readers_question_goes_only_to_the_author_and_the_answer_is_posted_in_the_weeknotes_thread_naming_both()
    {
        var (squad, host, post) = await PublishedAsync(tables, "Ask");
        await using var owned = squad;

        // The post offers Ask about this on Ada's item.
        var ask = Assert.Single(Executes(FakeTeams.Card(post), Verbs.DigestAsk));
        Assert.Equal("29:ada/highlights", (string?)ask["itemId"]);
        ask[(string)ask["inputId"]!] = Question;
        var requestsBefore = squad.Teams.Requests.Count;

        // Bo, a reader in the team, asks from the channel.
        var (status, body) = await host.InvokeAsync(Activities.Execute("29:bo", "Bo Diddley", Verbs.DigestAsk, ask, teamId: TestSquad.TeamId, replyToId: "1700000000000"));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("application/vnd.microsoft.activity.message", (string?)body?["type"]);
        Assert.Contains("Sent to Ada Lovelace, privately", (string?)body?["value"], StringComparison.Ordinal);

        // Ada alone gets it, 1:1, with her item quoted; nothing else the bot sent carries the question.
        var toAda = squad.Teams.SendsTo("29:ada")[^1];
        var card = FakeTeams.Text(toAda.Json);
        Assert.Contains(Question, card, StringComparison.Ordinal);
        Assert.Contains("Shipped the roster sync", card, StringComparison.Ordinal);
        Assert.Contains("Bo Diddley", card, StringComparison.Ordinal);
        Assert.All(squad.Teams.Requests.Skip(requestsBefore).Where(r => r != toAda), r => Assert.DoesNotContain(Question, r.Body, StringComparison.Ordinal));

        // The lead's status shows that a question waits, never what it says.
        host.AssertOk(await host.PostActivityAsync(Activities.PersonalMessage(TestSquad.Lead, "Lena Lead", "status")));
        var statusText = string.Concat(squad.Teams.SendsTo(TestSquad.Lead).Select(r => FakeTeams.Text(r.Json)));
        Assert.Contains("Bo Diddley asked Ada Lovelace", statusText, StringComparison.Ordinal);
        Assert.DoesNotContain(Question, statusText, StringComparison.Ordinal);

        // Ada answers on her card: the answer goes into the weeknote's thread, naming both.
        var answer = Assert.Single(Executes(FakeTeams.Card(toAda.Json), Verbs.QuestionAnswer));
        answer["answer"] = Answer;
        (status, body) = await host.InvokeAsync(Activities.Execute("29:ada", "Ada Lovelace", Verbs.QuestionAnswer, (JsonObject)answer.DeepClone()));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("Posted as a reply to the weeknote", FakeTeams.Text(body?["value"]), StringComparison.Ordinal);

        var replies = squad.Teams.Requests.Where(r => r.Succeeded && r.Method == HttpMethod.Post && Uri.UnescapeDataString(r.Path).Contains(";messageid=", StringComparison.Ordinal) && r.Body.Contains(Answer, StringComparison.Ordinal)).ToList();
        var reply = FakeTeams.Text(Assert.Single(replies).Json);
        Assert.Contains("Bo Diddley", reply, StringComparison.Ordinal);
        Assert.Contains("Ada Lovelace", reply, StringComparison.Ordinal);
        Assert.Contains(Question, reply, StringComparison.Ordinal);

        // Pressed again (or redelivered): nothing is posted twice; the status has nothing waiting any more.
        (status, _) = await host.InvokeAsync(Activities.Execute("29:ada", "Ada Lovelace", Verbs.QuestionAnswer, answer));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Single(squad.Teams.Requests, r => r.Succeeded && r.Method == HttpMethod.Post && r.Body.Contains(Answer, StringComparison.Ordinal) && Uri.UnescapeDataString(r.Path).Contains(";messageid=", StringComparison.Ordinal));
        squad.Teams.Clear();
        host.AssertOk(await host.PostActivityAsync(Activities.PersonalMessage(TestSquad.Lead, "Lena Lead", "status")));
        Assert.DoesNotContain("Bo Diddley asked", string.Concat(squad.Teams.SendsTo(TestSquad.Lead).Select(r => FakeTeams.Text(r.Json))), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_answer_posted_after_a_lead_hid_the_item_names_both_but_never_quotes_the_hidden_item_in_the_thread()
    {
        var (squad, host, post) = await PublishedAsync(tables, "AskHidden");
        await using var owned = squad;
        var ask = Assert.Single(Executes(FakeTeams.Card(post), Verbs.DigestAsk));
        ask[(string)ask["inputId"]!] = Question;
        var (status, _) = await host.InvokeAsync(Activities.Execute("29:bo", "Bo Diddley", Verbs.DigestAsk, ask, teamId: TestSquad.TeamId));
        Assert.Equal(HttpStatusCode.OK, status);
        var toAda = squad.Teams.SendsTo("29:ada")[^1];

        // After the question, the lead hides Ada's item: the channel post no longer shows it.
        (status, var body) = await host.InvokeAsync(Activities.Execute(TestSquad.Lead, "Lena Lead", Verbs.DigestHide, new JsonObject
        {
            ["squadId"] = TestSquad.TeamId,
            ["week"] = "2026-W48",
            ["sectionId"] = "highlights",
            ["itemId"] = "29:ada/highlights",
            ["basis"] = DigestCards.Fingerprint("Shipped the roster sync"),
        }));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(200, body?["statusCode"]?.GetValue<int>());

        // Ada answers: the thread gets the question and answer naming both, and not the item the post no longer shows.
        var answer = Assert.Single(Executes(FakeTeams.Card(toAda.Json), Verbs.QuestionAnswer));
        answer["answer"] = Answer;
        (status, _) = await host.InvokeAsync(Activities.Execute("29:ada", "Ada Lovelace", Verbs.QuestionAnswer, answer));
        Assert.Equal(HttpStatusCode.OK, status);
        var reply = FakeTeams.Text(Assert.Single(squad.Teams.Requests, r => r.Succeeded && r.Method == HttpMethod.Post
            && Uri.UnescapeDataString(r.Path).Contains(";messageid=", StringComparison.Ordinal) && r.Body.Contains(Answer, StringComparison.Ordinal)).Json);
        Assert.Contains("Bo Diddley", reply, StringComparison.Ordinal);
        Assert.Contains("Ada Lovelace", reply, StringComparison.Ordinal);
        Assert.Contains(Question, reply, StringComparison.Ordinal);
        Assert.DoesNotContain("Shipped the roster sync", reply, StringComparison.Ordinal);
    }

    /// <summary>What the lead's status says now.</summary>
    private static async Task<string> LeadSaysAsync(TestSquad squad, BotTestHost host, string text)
    {
        var before = squad.Teams.SendsTo(TestSquad.Lead).Count;
        host.AssertOk(await host.PostActivityAsync(Activities.PersonalMessage(TestSquad.Lead, "Lena Lead", text)));
        return string.Concat(squad.Teams.SendsTo(TestSquad.Lead).Skip(before).Select(r => FakeTeams.Text(r.Json)));
    }

    [Fact]
    public async Task A_question_Teams_did_not_confirm_shows_unconfirmed_and_send_again_sends_it_to_the_author_exactly_once()
    {
        var (squad, host, post) = await PublishedAsync(tables, "AskAgain");
        await using var owned = squad;
        var ask = Assert.Single(Executes(FakeTeams.Card(post), Verbs.DigestAsk));
        ask[(string)ask["inputId"]!] = Question;
        bool ToAda(RecordedRequest r) => FakeTeams.Text(r.Json).Contains(Question, StringComparison.Ordinal);

        // Teams takes the question to Ada, then answers 500: it may have arrived, so it is not sent again by itself.
        squad.Teams.Outage = ConnectorFault.DeliveredThenServerError;
        squad.Teams.FailActivitiesAfter = 0;
        var (status, body) = await host.InvokeAsync(Activities.Execute("29:bo", "Bo Diddley", Verbs.DigestAsk, ask, teamId: TestSquad.TeamId));
        squad.Teams.FailActivitiesAfter = null;
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("I can't tell whether your question reached Ada Lovelace", (string?)body?["value"], StringComparison.Ordinal);
        Assert.Contains("Teams did not confirm it reached Ada Lovelace", await LeadSaysAsync(squad, host, "status"), StringComparison.Ordinal);

        // The lead's send again: the question goes to Ada once more, once; a second send again sends nothing.
        squad.Teams.Clear();
        Assert.Contains("Sent again: 1 message of", await LeadSaysAsync(squad, host, "send again"), StringComparison.Ordinal);
        Assert.Single(squad.Teams.SendsTo("29:ada"), ToAda);
        Assert.Contains("waiting for Ada Lovelace's answer", await LeadSaysAsync(squad, host, "status"), StringComparison.Ordinal);
        Assert.Contains("nothing to send again", await LeadSaysAsync(squad, host, "send again"), StringComparison.Ordinal);
        Assert.Single(squad.Teams.SendsTo("29:ada"), ToAda);
    }

    [Fact]
    public async Task An_answer_Teams_did_not_confirm_in_the_thread_shows_unconfirmed_and_send_again_posts_it_exactly_once()
    {
        var (squad, host, post) = await PublishedAsync(tables, "AnswerAgain");
        await using var owned = squad;
        var ask = Assert.Single(Executes(FakeTeams.Card(post), Verbs.DigestAsk));
        ask[(string)ask["inputId"]!] = Question;
        var (status, _) = await host.InvokeAsync(Activities.Execute("29:bo", "Bo Diddley", Verbs.DigestAsk, ask, teamId: TestSquad.TeamId));
        Assert.Equal(HttpStatusCode.OK, status);
        bool InThread(RecordedRequest r) => r.Succeeded && r.Method == HttpMethod.Post
            && Uri.UnescapeDataString(r.Path).Contains(";messageid=", StringComparison.Ordinal) && r.Body.Contains(Answer, StringComparison.Ordinal);

        // Teams takes the reply in the thread, then answers 500: the answer is unconfirmed, and the lead sees it.
        squad.Teams.ThreadReplyLoss = (ConnectorFault.DeliveredThenServerError, 1);
        var answer = Assert.Single(Executes(FakeTeams.Card(squad.Teams.SendsTo("29:ada")[^1].Json), Verbs.QuestionAnswer));
        answer["answer"] = Answer;
        (status, var body) = await host.InvokeAsync(Activities.Execute("29:ada", "Ada Lovelace", Verbs.QuestionAnswer, answer));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("Teams did not confirm the reply", FakeTeams.Text(body?["value"]), StringComparison.Ordinal);
        Assert.Contains("Teams did not confirm Ada Lovelace's answer reached the weeknote's thread", await LeadSaysAsync(squad, host, "status"), StringComparison.Ordinal);

        // The lead's send again: posted in the thread once more, once.
        squad.Teams.Clear();
        Assert.Contains("Sent again: 1 message of", await LeadSaysAsync(squad, host, "send again"), StringComparison.Ordinal);
        Assert.Single(squad.Teams.Requests, InThread);
        Assert.Contains("nothing to send again", await LeadSaysAsync(squad, host, "send again"), StringComparison.Ordinal);
        Assert.Single(squad.Teams.Requests, InThread);
    }

    [Fact]
    public async Task Only_the_author_answers_someone_outside_the_team_cannot_ask_and_an_empty_question_sends_nothing()
    {
        var (squad, host, post) = await PublishedAsync(tables, "AskRules");
        await using var owned = squad;
        var ask = Assert.Single(Executes(FakeTeams.Card(post), Verbs.DigestAsk));

        // An empty box: nothing sent.
        var (status, body) = await host.InvokeAsync(Activities.Execute("29:bo", "Bo Diddley", Verbs.DigestAsk, (JsonObject)ask.DeepClone(), teamId: TestSquad.TeamId));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("Write your question in the box first", (string?)body?["value"], StringComparison.Ordinal);
        Assert.DoesNotContain(squad.Teams.SendsTo("29:ada"), r => FakeTeams.Text(r.Json).Contains("A question about your weeknote", StringComparison.Ordinal));

        // Someone not in the team: refused.
        ask[(string)ask["inputId"]!] = Question;
        (status, body) = await host.InvokeAsync(Activities.Execute("29:stranger", "Stranger", Verbs.DigestAsk, (JsonObject)ask.DeepClone(), teamId: TestSquad.TeamId));
        Assert.Equal(403, body?["statusCode"]?.GetValue<int>());

        // From a 1:1 chat: refused (the ask belongs to the channel post).
        (_, body) = await host.InvokeAsync(Activities.Execute("29:bo", "Bo Diddley", Verbs.DigestAsk, (JsonObject)ask.DeepClone()));
        Assert.Equal(403, body?["statusCode"]?.GetValue<int>());

        // Bo asks; Cy (not the author) cannot answer it with Ada's card data.
        (status, _) = await host.InvokeAsync(Activities.Execute("29:bo", "Bo Diddley", Verbs.DigestAsk, ask, teamId: TestSquad.TeamId));
        Assert.Equal(HttpStatusCode.OK, status);
        var answer = Assert.Single(Executes(FakeTeams.Card(squad.Teams.SendsTo("29:ada")[^1].Json), Verbs.QuestionAnswer));
        answer["answer"] = "Not mine to answer";
        (_, body) = await host.InvokeAsync(Activities.Execute("29:cy", "Cy Twombly", Verbs.QuestionAnswer, answer));
        Assert.Contains("Only the author of the item can answer", (string?)body?["value"], StringComparison.Ordinal);
        Assert.DoesNotContain(squad.Teams.Requests, r => r.Body.Contains("Not mine to answer", StringComparison.Ordinal));
    }

    [Fact]
    public async Task My_data_lists_questions_and_erasure_removes_those_asked_by_or_of_the_person()
    {
        var (squad, host, post) = await PublishedAsync(tables, "AskErase");
        await using var owned = squad;
        var ask = Assert.Single(Executes(FakeTeams.Card(post), Verbs.DigestAsk));
        ask[(string)ask["inputId"]!] = Question;
        var (status, _) = await host.InvokeAsync(Activities.Execute("29:bo", "Bo Diddley", Verbs.DigestAsk, ask, teamId: TestSquad.TeamId));
        Assert.Equal(HttpStatusCode.OK, status);

        host.AssertOk(await host.PostActivityAsync(Activities.PersonalMessage("29:ada", "Ada Lovelace", "my data")));
        Assert.Contains("Questions about weeknote items: 0 you asked, 1 asked of you", FakeTeams.Text(squad.Teams.SendsTo("29:ada")[^1].Json), StringComparison.Ordinal);

        host.AssertOk(await host.PostActivityAsync(Activities.PersonalMessage("29:bo", "Bo Diddley", "erase my data")));
        Assert.Contains("1 question you asked or were asked", FakeTeams.Text(squad.Teams.SendsTo("29:bo")[^1].Json), StringComparison.Ordinal);
        Assert.Empty(await host.Get<QuestionStore>().ListForPersonAsync(TestSquad.TeamId, "29:ada", CancellationToken.None));
    }

    [Fact]
    public async Task Retention_sweeps_questions_with_the_week_they_were_asked_in()
    {
        var (squad, host, post) = await PublishedAsync(tables, "AskRetention");
        await using var owned = squad;
        var ask = Assert.Single(Executes(FakeTeams.Card(post), Verbs.DigestAsk));
        ask[(string)ask["inputId"]!] = Question;
        var (status, _) = await host.InvokeAsync(Activities.Execute("29:bo", "Bo Diddley", Verbs.DigestAsk, ask, teamId: TestSquad.TeamId));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Single(await host.Get<QuestionStore>().ListForPersonAsync(TestSquad.TeamId, "29:bo", CancellationToken.None));

        // A cutoff in the week after: the question's week is wholly older, so it goes with the rest of that week.
        await host.Get<UpdateBot.Cycle.RetentionSweep>().SweepAsync(FridayAfternoon + TimeSpan.FromDays(7), CancellationToken.None);

        Assert.Empty(await host.Get<QuestionStore>().ListForPersonAsync(TestSquad.TeamId, "29:bo", CancellationToken.None));
    }
}
