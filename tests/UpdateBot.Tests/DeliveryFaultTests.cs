using System.Net;
using Microsoft.Extensions.DependencyInjection;
using UpdateBot.Answers;
using UpdateBot.Domain;
using UpdateBot.Storage;
using UpdateBot.Tests.Infrastructure;

namespace UpdateBot.Tests;

/// <summary>
/// The fault matrix of the delivery engine (issue 8): for each fault production Teams and Azure Storage deliver, exactly
/// one delivery, or an unconfirmed / unreachable entry shown to the lead; never two, never a silent nothing.
/// </summary>
public sealed class DeliveryFaultTests(AzuriteFixture tables) : IClassFixture<AzuriteFixture>
{
    private static readonly DateTimeOffset OpenAt = new(2026, 11, 26, 10, 0, 0, TimeSpan.Zero); // Thu 10:00 London
    private static readonly DateTimeOffset PublishAt = new(2026, 11, 27, 16, 0, 0, TimeSpan.Zero); // Fri 16:00
    private static readonly IsoWeek Week = IsoWeek.Parse("2026-W48");
    private static readonly string[] Members = [.. TestSquad.People.Select(p => p.Id)];

    /// <summary>Ticks every few minutes for an hour: enough for every retry the cycle would make of a step.</summary>
    private static async Task TickForAnHourAsync(TestSquad squad, BotTestHost host)
    {
        for (var i = 0; i < 12; i++)
        {
            await host.TickAsync();
            squad.Time.Advance(TimeSpan.FromMinutes(5));
        }
    }

    private static async Task<BotTestHost> StartSeededAsync(TestSquad squad)
    {
        var host = squad.StartHost();
        await host.SeedSquadAsync(TestSquad.TeamId, TestSquad.People, [TestSquad.Lead]);
        return host;
    }

    private static async Task<string> StatusTextAsync(TestSquad squad, BotTestHost host)
    {
        squad.Teams.FailActivitiesAfter = null;
        var before = squad.Teams.SendsTo(TestSquad.Lead).Count;
        host.AssertOk(await host.PostActivityAsync(Activities.PersonalMessage(TestSquad.Lead, "Lena Lead", "status")));
        return FakeTeams.Text(squad.Teams.SendsTo(TestSquad.Lead).Skip(before).Last().Json);
    }

    [Theory]
    [InlineData(ConnectorFault.DeliveredThenServerError)]
    [InlineData(ConnectorFault.DeliveredThenTimeout)]
    [InlineData(ConnectorFault.DeliveredThenReset)]
    public async Task A_prompt_that_may_have_been_delivered_is_never_sent_twice_and_the_lead_sees_it_unconfirmed(ConnectorFault fault)
    {
        await using var squad = new TestSquad(tables, "MaybePrompt", OpenAt);
        var host = await StartSeededAsync(squad);
        squad.Teams.Outage = fault;
        squad.Teams.FailActivitiesAfter = 0;

        await TickForAnHourAsync(squad, host);

        Assert.All(Members, id => Assert.Single(squad.Prompts(id)));
        var status = await StatusTextAsync(squad, host);
        Assert.Contains("Delivery unconfirmed", status);
        Assert.Contains("send again", status);

        // The lead's one tap: sent once more, deliberately, and only then.
        squad.Teams.Clear();
        host.AssertOk(await host.PostActivityAsync(Activities.PersonalMessage(TestSquad.Lead, "Lena Lead", "send again")));
        Assert.All(Members.Where(id => id != TestSquad.Lead), id => Assert.Single(squad.Prompts(id)));
    }

    [Fact]
    public async Task A_prompt_refused_before_it_was_written_is_sent_on_a_later_tick_exactly_once()
    {
        await using var squad = new TestSquad(tables, "Refused", OpenAt);
        var host = await StartSeededAsync(squad);
        squad.Teams.Outage = ConnectorFault.RefusedBeforeWrite;
        squad.Teams.FailActivitiesAfter = 0;
        await host.TickAsync();
        Assert.All(Members, id => Assert.Empty(squad.Prompts(id)));

        squad.Teams.FailActivitiesAfter = null;
        await TickForAnHourAsync(squad, host);

        Assert.All(Members, id => Assert.Single(squad.Prompts(id)));
    }

    [Fact]
    public async Task A_429_with_an_hour_long_Retry_After_delays_the_prompt_and_it_still_arrives_once()
    {
        await using var squad = new TestSquad(tables, "LongRetry", OpenAt);
        var host = await StartSeededAsync(squad);
        squad.Teams.Behave("29:bo", new UserBehaviour(HttpStatusCode.TooManyRequests, Times: 1, RetryAfterSeconds: 3600));

        await TickForAnHourAsync(squad, host);

        Assert.All(Members, id => Assert.Single(squad.Prompts(id)));
    }

    [Fact]
    public async Task A_storage_failure_before_the_send_leaves_the_prompt_pending_and_it_is_sent_once_later()
    {
        await using var squad = new TestSquad(tables, "StoreBefore", OpenAt);
        var host = await StartSeededAsync(squad);
        // Reading Bo's 1:1 conversation reference fails: the prompt is built but never reaches the connector.
        squad.Storage.FailNext("GET", 1, "Conversations", "29:bo");

        await TickForAnHourAsync(squad, host);

        Assert.NotEmpty(squad.Storage.Injected);
        Assert.All(Members, id => Assert.Single(squad.Prompts(id)));
    }

    [Fact]
    public async Task A_storage_failure_after_the_send_never_duplicates_the_prompt_and_shows_it_unconfirmed()
    {
        await using var squad = new TestSquad(tables, "StoreAfter", OpenAt);
        var host = await StartSeededAsync(squad);
        // Recording Bo's sent prompt fails: Teams has it, our marker still says "sending".
        squad.Storage.FailNext("PUT", 1, "Cycle", "send|prompt|29:bo", "\"State\":\"Sent\"");

        await TickForAnHourAsync(squad, host);

        Assert.NotEmpty(squad.Storage.Injected);
        Assert.All(Members, id => Assert.Single(squad.Prompts(id)));
        var status = await StatusTextAsync(squad, host);
        Assert.Contains("Delivery unconfirmed", status);
    }

    private static async Task SeedAutoPublishAsync(TestSquad squad, BotTestHost host, int answerLength = 60)
    {
        var seeded = await host.SeedSquadAsync(TestSquad.TeamId, TestSquad.People, [TestSquad.Lead], autoPublish: true);
        await host.InScopeAsync(async sp =>
        {
            var answers = sp.GetRequiredService<AnswerService>();
            foreach (var (id, name) in TestSquad.People)
            {
                var text = new Dictionary<string, string?>();
                foreach (var section in SettingsValidation.DefaultSections)
                {
                    var words = $"{name} on {section.Title}: " + string.Concat(Enumerable.Repeat("steady progress with the discovery work. ", 60));
                    text["s_" + section.Id] = words[..Math.Min(answerLength, words.Length)];
                }

                await answers.SubmitAsync(new AnswerFor(seeded, Week, id, name), text, CancellationToken.None);
            }

            return 0;
        });
        squad.Time.Advance(PublishAt - squad.Time.GetUtcNow());
    }

    private static IReadOnlyList<RecordedRequest> ThreadReplies(TestSquad squad) =>
        squad.Teams.Requests.Where(r => r.Succeeded && r.Method == HttpMethod.Post && r.Path.Contains(";messageid=", StringComparison.Ordinal) && r.Path.EndsWith("/activities", StringComparison.Ordinal)).ToList();

    private static IReadOnlyList<RecordedRequest> Notices(TestSquad squad, string title) =>
        squad.Teams.SendsTo(TestSquad.Lead).Where(r => FakeTeams.Text(r.Json).Contains(title, StringComparison.Ordinal)).ToList();

    [Theory]
    [InlineData(ConnectorFault.DeliveredThenServerError)]
    [InlineData(ConnectorFault.DeliveredThenTimeout)]
    public async Task A_channel_post_that_may_have_arrived_is_never_posted_again_and_the_lead_is_told_once(ConnectorFault fault)
    {
        await using var squad = new TestSquad(tables, "MaybePost", PublishAt.AddHours(-2));
        var host = squad.StartHost();
        await SeedAutoPublishAsync(squad, host);
        squad.Teams.ChannelPostFault = (fault, HttpStatusCode.OK, 1);

        await TickForAnHourAsync(squad, host);
        host.AssertOk(await host.PostActivityAsync(Activities.PersonalMessage(TestSquad.Lead, "Lena Lead", "publish")));

        Assert.Single(squad.Teams.ChannelPosts);
        Assert.Single(Notices(squad, "may not have reached the channel"));
        var status = await StatusTextAsync(squad, host);
        Assert.Contains("Channel post", status);
        Assert.Contains("Unconfirmed:", status);
    }

    [Theory]
    [InlineData(HttpStatusCode.Forbidden)]
    [InlineData(HttpStatusCode.NotFound)]
    [InlineData(HttpStatusCode.RequestEntityTooLarge)]
    public async Task A_channel_post_Teams_refuses_for_good_is_not_retried_all_day_and_the_lead_is_told_once(HttpStatusCode status)
    {
        await using var squad = new TestSquad(tables, "RefusedPost", PublishAt.AddHours(-2));
        var host = squad.StartHost();
        await SeedAutoPublishAsync(squad, host);
        squad.Teams.ChannelPostFault = (ConnectorFault.None, status, 100);

        await TickForAnHourAsync(squad, host);

        Assert.Empty(squad.Teams.ChannelPosts);
        Assert.Single(squad.Teams.Requests, r => r.Method == HttpMethod.Post && r.Path == "/v3/conversations" && r.Body.Contains("\"isGroup\":true", StringComparison.Ordinal));
        Assert.Single(Notices(squad, "could not be posted"));
        Assert.True(await host.Get<CycleStore>().IsStepDoneAsync(TestSquad.TeamId, Week, CycleStep.Publish, CancellationToken.None));
    }

    [Fact]
    public async Task A_channel_post_Teams_refused_is_posted_once_when_a_lead_says_publish_after_fixing_the_cause()
    {
        await using var squad = new TestSquad(tables, "RefusedFixed", PublishAt.AddHours(-2));
        var host = squad.StartHost();
        await SeedAutoPublishAsync(squad, host);
        squad.Teams.ChannelPostFault = (ConnectorFault.None, HttpStatusCode.Forbidden, 1);
        await TickForAnHourAsync(squad, host);
        Assert.Empty(squad.Teams.ChannelPosts);
        Assert.Single(Notices(squad, "could not be posted"));

        // The notice says: fix the cause, then say publish. That posts it, once, as Update 1.
        host.AssertOk(await host.PostActivityAsync(Activities.PersonalMessage(TestSquad.Lead, "Lena Lead", "publish")));
        host.AssertOk(await host.PostActivityAsync(Activities.PersonalMessage(TestSquad.Lead, "Lena Lead", "publish")));

        Assert.Single(squad.Teams.ChannelPosts);
        Assert.Equal(1, (await host.Get<EditionStore>().GetAsync(TestSquad.TeamId, Week, CancellationToken.None))?.Edition);
    }

    [Fact]
    public async Task A_channel_post_refused_before_it_was_written_is_posted_on_a_later_tick_exactly_once()
    {
        await using var squad = new TestSquad(tables, "RetryPost", PublishAt.AddHours(-2));
        var host = squad.StartHost();
        await SeedAutoPublishAsync(squad, host);
        squad.Teams.ChannelPostFault = (ConnectorFault.RefusedBeforeWrite, HttpStatusCode.OK, 2);

        await TickForAnHourAsync(squad, host);

        Assert.Single(squad.Teams.ChannelPosts);
        Assert.Empty(Notices(squad, "could not be posted"));
    }

    [Fact]
    public async Task A_storage_failure_between_claiming_and_posting_does_not_lose_the_weeknote()
    {
        await using var squad = new TestSquad(tables, "LostNote", PublishAt.AddHours(-2));
        var host = squad.StartHost();
        await SeedAutoPublishAsync(squad, host);
        // Taking the edition number fails (it is taken just before the claim, and written with it; the old code took it
        // after the claim and then called the week "already published").
        squad.Storage.FailNext("PUT", 1, "Squads", "PublishedEditions");

        await TickForAnHourAsync(squad, host);

        Assert.NotEmpty(squad.Storage.Injected);
        Assert.Single(squad.Teams.ChannelPosts);
        Assert.Equal(1, (await host.Get<EditionStore>().GetAsync(TestSquad.TeamId, Week, CancellationToken.None))?.Edition);
    }

    [Fact]
    public async Task A_long_weeknote_whose_thread_reply_failed_is_completed_in_place_without_a_second_post()
    {
        await using var squad = new TestSquad(tables, "Parts", PublishAt.AddHours(-2));
        var host = squad.StartHost();
        await SeedAutoPublishAsync(squad, host, answerLength: 1900);
        squad.Teams.ThreadReplyFault = (HttpStatusCode.TooManyRequests, 1);

        await TickForAnHourAsync(squad, host);

        Assert.Single(squad.Teams.ChannelPosts);
        var replies = ThreadReplies(squad);
        Assert.NotEmpty(replies);
        Assert.Equal(replies.Count, replies.Select(r => FakeTeams.Text(r.Json)).Distinct(StringComparer.Ordinal).Count());
        var parts = await host.Get<CycleStore>().ListPartsAsync(EntryStore.Partition(TestSquad.TeamId, Week), CancellationToken.None);
        Assert.Equal(replies.Count, parts.Count);
        Assert.All(parts.Values, p => Assert.Equal(MarkerStates.Sent, p.State));
    }

    [Fact]
    public async Task A_review_desk_interrupted_halfway_is_completed_without_sending_the_lead_a_second_desk()
    {
        await using var squad = new TestSquad(tables, "Desk", PublishAt.AddHours(-3));
        var host = squad.StartHost();
        await host.SeedSquadAsync(TestSquad.TeamId, TestSquad.People, [TestSquad.Lead], autoPublish: false);
        await host.InScopeAsync(async sp =>
        {
            var squadRow = await sp.GetRequiredService<SquadStore>().GetAsync(TestSquad.TeamId, CancellationToken.None);
            await sp.GetRequiredService<AnswerService>().SubmitAsync(new AnswerFor(squadRow!, Week, "29:bo", "Bo Diddley"), new Dictionary<string, string?> { ["s_highlights"] = "Bo shipped the beat" }, CancellationToken.None);
            await sp.GetRequiredService<AnswerService>().SubmitAsync(new AnswerFor(squadRow!, Week, "29:cy", "Cy Twombly"), new Dictionary<string, string?> { ["s_highlights"] = "Cy painted the wall" }, CancellationToken.None);
            return 0;
        });
        squad.Time.Advance(new DateTimeOffset(2026, 11, 27, 14, 0, 0, TimeSpan.Zero) - squad.Time.GetUtcNow());
        // The second card of the desk cannot be claimed (storage blip): the header already went out.
        squad.Storage.FailNext("POST", 1, "Cycle", "send|review.1|");

        await TickForAnHourAsync(squad, host);

        Assert.NotEmpty(squad.Storage.Injected);
        var desk = squad.Reviews(TestSquad.Lead).Select(r => FakeTeams.Text(r.Json)).ToList();
        Assert.Equal(desk.Count, desk.Distinct(StringComparer.Ordinal).Count());
        Assert.Contains(desk, t => t.Contains("Bo shipped the beat", StringComparison.Ordinal));
        Assert.Contains(desk, t => t.Contains("Cy painted the wall", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Publish_now_answers_the_card_within_the_deadline_while_the_post_waits_and_it_is_posted_once()
    {
        await using var squad = new TestSquad(tables, "Deadline", PublishAt.AddHours(-2));
        var host = squad.StartHost();
        await SeedAutoPublishAsync(squad, host);
        squad.Teams.ChannelPostHold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var publish = new System.Text.Json.Nodes.JsonObject { ["squadId"] = TestSquad.TeamId, ["week"] = Week.ToString() };

        var click = host.InvokeAsync(Activities.Execute(TestSquad.Lead, "Lena Lead", UpdateBot.Cards.Verbs.DigestPublish, publish));
        await squad.Teams.ChannelPostWaiting.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.False(click.IsCompleted);
        squad.Time.Advance(TimeSpan.FromSeconds(5));
        var (status, body) = await click.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(HttpStatusCode.OK, status);
        // The note goes to the lead's chat after the invoke has answered (it must not hold the answer up).
        await squad.Teams.WaitForRequestAsync(r => r.Path.Contains(TestSquad.Lead, StringComparison.Ordinal) && r.Body.Contains("Teams is busy", StringComparison.Ordinal));
        Assert.Empty(squad.Teams.ChannelPosts);

        squad.Teams.ChannelPostHold.SetResult();
        await squad.Teams.WaitForRequestAsync(r => r.Succeeded && r.Method == HttpMethod.Post && r.Path == "/v3/conversations" && r.Body.Contains("\"isGroup\":true", StringComparison.Ordinal));
        await TickForAnHourAsync(squad, host);
        Assert.Single(squad.Teams.ChannelPosts);
    }

    [Fact]
    public async Task A_notice_to_the_lead_that_was_throttled_keeps_the_step_due_until_it_is_delivered()
    {
        await using var squad = new TestSquad(tables, "Notice", PublishAt.AddHours(-2));
        var host = squad.StartHost();
        await SeedAutoPublishAsync(squad, host);
        squad.Teams.ChannelPostFault = (ConnectorFault.None, HttpStatusCode.Forbidden, 100);
        squad.Teams.Behave(TestSquad.Lead, new UserBehaviour(HttpStatusCode.TooManyRequests, Times: 1, RetryAfterSeconds: 120));

        await host.TickAsync();
        Assert.False(await host.Get<CycleStore>().IsStepDoneAsync(TestSquad.TeamId, Week, CycleStep.Publish, CancellationToken.None));
        await TickForAnHourAsync(squad, host);

        Assert.Single(Notices(squad, "could not be posted"));
        Assert.True(await host.Get<CycleStore>().IsStepDoneAsync(TestSquad.TeamId, Week, CycleStep.Publish, CancellationToken.None));
    }

    [Fact]
    public async Task An_unconfirmed_review_desk_shows_in_status_and_send_again_sends_it_once_more()
    {
        await using var squad = new TestSquad(tables, "DeskStatus", PublishAt.AddHours(-3));
        var host = await StartSeededAsync(squad);
        squad.Time.Advance(new DateTimeOffset(2026, 11, 27, 14, 0, 0, TimeSpan.Zero) - squad.Time.GetUtcNow());
        squad.Teams.Outage = ConnectorFault.DeliveredThenServerError;
        squad.Teams.FailActivitiesAfter = 0;
        await TickForAnHourAsync(squad, host);
        Assert.Single(squad.Reviews(TestSquad.Lead));

        var status = await StatusTextAsync(squad, host);
        Assert.Contains("Review desk to Lena Lead", status);
        Assert.Contains("Unconfirmed:", status);

        host.AssertOk(await host.PostActivityAsync(Activities.PersonalMessage(TestSquad.Lead, "Lena Lead", "send again")));
        await TickForAnHourAsync(squad, host);
        Assert.Equal(2, squad.Reviews(TestSquad.Lead).Count);
    }

    /// <summary>
    /// A host publishes; the process dies with the post written and unanswered (after its claim, before the post's
    /// outcome is stored); a second host on the same storage then runs the schedule for an hour.
    /// </summary>
    private static async Task<BotTestHost> CrashWhileTheChannelPostIsInFlightAsync(TestSquad squad)
    {
        var first = squad.StartHost("first");
        await SeedAutoPublishAsync(squad, first);
        squad.Teams.ChannelPostHold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var crash = new CancellationTokenSource();

        var tick = first.TickAsync(crash.Token);
        await squad.Teams.ChannelPostWaiting.Task.WaitAsync(TimeSpan.FromSeconds(30));
        // From now on the process writes nothing more to storage.
        squad.Storage.FailNext("PUT", 1000, "Cycle");
        squad.Storage.FailNext("POST", 1000, "Cycle");
        await crash.CancelAsync();
        try
        {
            await tick; // the step boundary logs the failure; or the cancellation surfaces
        }
        catch (OperationCanceledException)
        {
        }

        squad.Teams.ChannelPostHold = null;
        await first.DisposeAsync();

        squad.Storage.Clear();
        var second = squad.StartHost("second");
        squad.Time.Advance(TimeSpan.FromMinutes(6)); // past the lease and the age at which an interrupted send is judged
        await TickForAnHourAsync(squad, second);
        return second;
    }

    [Fact]
    public async Task A_crash_while_the_channel_post_is_in_flight_never_posts_twice_and_the_lead_is_told_once()
    {
        await using var squad = new TestSquad(tables, "CrashPost", PublishAt.AddHours(-2));
        var second = await CrashWhileTheChannelPostIsInFlightAsync(squad);
        second.AssertOk(await second.PostActivityAsync(Activities.PersonalMessage(TestSquad.Lead, "Lena Lead", "publish")));

        Assert.Single(squad.Teams.ChannelPosts);
        Assert.Single(Notices(squad, "may not have reached the channel"));
    }

    [Fact]
    public async Task A_crash_while_the_review_desk_is_in_flight_never_sends_it_twice_and_status_shows_it()
    {
        await using var squad = new TestSquad(tables, "CrashDesk", PublishAt.AddHours(-3).AddMinutes(-5));
        var first = await StartSeededAsync(squad);
        await first.TickAsync(); // this week's prompts and reminders are out
        squad.Time.Advance(new DateTimeOffset(2026, 11, 27, 14, 0, 0, TimeSpan.Zero) - squad.Time.GetUtcNow());
        squad.Teams.OnActivityPost = attempt =>
        {
            // The desk reaches Teams; from then on the process writes nothing more, as if it had died.
            squad.Storage.FailNext("PUT", 1000, "Cycle");
            squad.Storage.FailNext("POST", 1000, "Cycle");
        };

        await first.TickAsync();
        squad.Teams.OnActivityPost = null;
        await first.DisposeAsync();
        squad.Storage.Clear();

        var second = squad.StartHost("second");
        squad.Time.Advance(TimeSpan.FromMinutes(6));
        await TickForAnHourAsync(squad, second);

        Assert.Single(squad.Reviews(TestSquad.Lead));
        var status = await StatusTextAsync(squad, second);
        Assert.True(status.Contains("Review desk to Lena Lead", StringComparison.Ordinal), status + "\n" + string.Join("\n", second.Logs));
        Assert.Contains("Unconfirmed:", status);
    }

    [Fact]
    public async Task A_prompt_whose_card_address_failed_to_save_gets_it_recorded_on_a_later_tick()
    {
        await using var squad = new TestSquad(tables, "CardRef", OpenAt);
        var host = await StartSeededAsync(squad);
        // Bo's prompt goes out; writing where his card is (to update it in place later) fails once.
        squad.Storage.FailNext("POST", 1, "Entries", "29:bo", "CardActivityId");

        await TickForAnHourAsync(squad, host);

        Assert.NotEmpty(squad.Storage.Injected);
        Assert.Single(squad.Prompts("29:bo"));
        var bo = Assert.Single(await host.Get<EntryStore>().ListAsync(TestSquad.TeamId, Week, CancellationToken.None), e => e.Entry.MemberId == "29:bo");
        Assert.NotNull(bo.CardActivityId);
    }

    private static IReadOnlyList<RecordedRequest> ChannelUpdates(TestSquad squad) =>
        squad.Teams.Requests.Where(r => r.Succeeded && r.Method == HttpMethod.Put && r.Path.Contains(";messageid=", StringComparison.Ordinal)).ToList();

    [Fact]
    public async Task A_continuation_part_sent_after_the_digest_changed_is_the_part_as_split_at_publish_time()
    {
        await using var squad = new TestSquad(tables, "Snapshot", PublishAt.AddHours(-2));
        var host = squad.StartHost();
        await SeedAutoPublishAsync(squad, host, answerLength: 1900);
        squad.Teams.ThreadReplyFault = (HttpStatusCode.TooManyRequests, 1);
        await host.TickAsync();
        Assert.Single(squad.Teams.ChannelPosts);
        var partition = EntryStore.Partition(TestSquad.TeamId, Week);
        var waiting = await host.Get<CycleStore>().ListPartsAsync(partition, CancellationToken.None);
        Assert.Contains(waiting.Values, p => p.State == MarkerStates.Retry);

        // The digest changes before the waiting part goes out (an answer saved just as the post went, or a correction
        // whose update of the post failed): the part must still be the one split from what the post was made of.
        var entries = host.Get<EntryStore>();
        foreach (var stored in await entries.ListAsync(TestSquad.TeamId, Week, CancellationToken.None))
        {
            var changed = stored.Entry.Answers.ToDictionary(a => a.Key, a => "CHANGED " + a.Value[8..]);
            Assert.Equal(EntryWrite.Saved, await entries.TrySaveAsync(TestSquad.TeamId, Week, stored.Entry with { Answers = changed }, stored, CancellationToken.None));
        }

        await TickForAnHourAsync(squad, host);

        var replies = ThreadReplies(squad);
        Assert.NotEmpty(replies);
        Assert.DoesNotContain(replies, r => FakeTeams.Text(r.Json).Contains("CHANGED", StringComparison.Ordinal));
        var posted = await host.Get<CycleStore>().ListPartsAsync(partition, CancellationToken.None);
        Assert.All(posted.Values, p => Assert.Equal(MarkerStates.Sent, p.State));
    }

    [Fact]
    public async Task A_correction_updates_exactly_the_parts_that_changed_and_retries_a_failed_update_on_the_next_one()
    {
        await using var squad = new TestSquad(tables, "OnlyChanged", PublishAt.AddHours(-2));
        var host = squad.StartHost();
        await SeedAutoPublishAsync(squad, host, answerLength: 1900);
        await TickForAnHourAsync(squad, host);
        var replies = ThreadReplies(squad);
        Assert.NotEmpty(replies);
        var squadRow = (await host.Get<SquadStore>().GetAsync(TestSquad.TeamId, CancellationToken.None))!;
        var parts = await host.Get<CycleStore>().ListPartsAsync(EntryStore.Partition(TestSquad.TeamId, Week), CancellationToken.None);
        var lastPartId = parts[parts.Keys.Max()].ActivityId!;
        var lastItem = await host.InScopeAsync(async sp => (await sp.GetRequiredService<UpdateBot.Digests.DigestService>().ComposeAsync(squadRow, Week, CancellationToken.None)).VisibleSections[^1].Items[^1].ItemId);
        Task<string?> HideLastItemAsync() => host.InScopeAsync(sp => sp.GetRequiredService<UpdateBot.Digests.DigestService>().EditAsync(squadRow, Week, TestSquad.Lead,
            (edits, _) => edits with { HiddenItemIds = new HashSet<string>(edits.HiddenItemIds) { lastItem } }, CancellationToken.None));
        IReadOnlyList<RecordedRequest> UpdatesTried() => squad.Teams.Requests.Where(r => r.Method == HttpMethod.Put && r.Path.Contains(";messageid=", StringComparison.Ordinal)).ToList();

        // Hiding the weeknote's last item changes its last part only: that part alone is updated (and Teams refuses it).
        squad.Teams.ChannelUpdateFault = (HttpStatusCode.Forbidden, 1);
        Assert.NotNull(await HideLastItemAsync());
        var tried = Assert.Single(UpdatesTried());
        Assert.EndsWith(lastPartId, tried.Path, StringComparison.Ordinal);

        // The next correction (here the same edit again) retries the part the channel still shows old, and only it.
        Assert.Null(await HideLastItemAsync());
        var updated = Assert.Single(ChannelUpdates(squad));
        Assert.EndsWith(lastPartId, updated.Path, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_crash_between_claiming_the_post_and_its_outcome_keeps_the_edition_number_and_send_again_reuses_it()
    {
        await using var squad = new TestSquad(tables, "CrashEdition", PublishAt.AddHours(-2));
        var second = await CrashWhileTheChannelPostIsInFlightAsync(squad);
        Assert.Single(Notices(squad, "Update 1 may not have reached the channel"));

        // The lead sends it again: the same number, not the next one.
        second.AssertOk(await second.PostActivityAsync(Activities.PersonalMessage(TestSquad.Lead, "Lena Lead", "send again")));
        Assert.Equal(2, squad.Teams.ChannelPosts.Count);
        Assert.All(squad.Teams.ChannelPosts, p => Assert.Contains("weeknotes — Update 1", FakeTeams.Text(p.Json), StringComparison.Ordinal));
        Assert.Equal(1, (await second.Get<SquadStore>().GetAsync(TestSquad.TeamId, CancellationToken.None))!.PublishedEditions);
        Assert.Equal(1, (await second.Get<EditionStore>().GetAsync(TestSquad.TeamId, Week, CancellationToken.None))?.Edition);
    }

    [Fact]
    public async Task A_part_a_correction_made_unnecessary_before_it_was_posted_is_posted_when_a_later_correction_needs_it_again()
    {
        await using var squad = new TestSquad(tables, "PartAgain", PublishAt.AddHours(-2));
        var host = squad.StartHost();
        await SeedAutoPublishAsync(squad, host, answerLength: 1900);
        squad.Teams.ThreadReplyFault = (HttpStatusCode.TooManyRequests, 1);
        await host.TickAsync();
        var partition = EntryStore.Partition(TestSquad.TeamId, Week);
        Assert.Contains((await host.Get<CycleStore>().ListPartsAsync(partition, CancellationToken.None)).Values, p => p.State == MarkerStates.Retry);
        squad.Time.Advance(TimeSpan.FromMinutes(5)); // past the 429's pause
        var squadRow = (await host.Get<SquadStore>().GetAsync(TestSquad.TeamId, CancellationToken.None))!;
        Task<string?> HideAsync(Func<Digest, IEnumerable<string>> which) => host.InScopeAsync(sp => sp.GetRequiredService<UpdateBot.Digests.DigestService>().EditAsync(squadRow, Week, TestSquad.Lead,
            (edits, digest) => edits with { HiddenItemIds = which(digest).ToHashSet() }, CancellationToken.None));

        // Everything but the first item hidden: the weeknote fits the post, so the waiting parts are not needed.
        Assert.Null(await HideAsync(d => d.Sections.SelectMany(s => s.Items).Skip(1).Select(i => i.ItemId)));
        Assert.Empty(ThreadReplies(squad));

        // Restored: the parts are needed again and are posted, each once.
        Assert.Null(await HideAsync(_ => []));
        var replies = ThreadReplies(squad);
        Assert.NotEmpty(replies);
        Assert.Equal(replies.Count, replies.Select(r => FakeTeams.Text(r.Json)).Distinct(StringComparer.Ordinal).Count());
        Assert.All((await host.Get<CycleStore>().ListPartsAsync(partition, CancellationToken.None)).Values, p => Assert.Equal(MarkerStates.Sent, p.State));
    }
}
