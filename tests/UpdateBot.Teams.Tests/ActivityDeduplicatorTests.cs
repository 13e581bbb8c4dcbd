using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using UpdateBot.Teams.Hosting;
using UpdateBot.Teams.Schema;

namespace UpdateBot.Teams.Tests;

/// <summary>The de-duplication window is bounded in entries and bytes, and never keeps a turn that does not finish.</summary>
public sealed class ActivityDeduplicatorTests
{
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));

    private ActivityDeduplicator Create(int maxEntries = 20_000, long maxBytes = 32L * 1024 * 1024) =>
        new(Options.Create(new BotOptions { DeduplicationMaxEntries = maxEntries, DeduplicationMaxBytes = maxBytes }), time);

    private static Activity Activity(string id, string conversation = "a:1") =>
        new() { Type = ActivityTypes.Invoke, Id = id, Conversation = new ConversationAccount { Id = conversation } };

    private static Func<Task<TurnAnswer?>> Answer(object? body = null) => () => Task.FromResult<TurnAnswer?>(
        new TurnAnswer(200, body is null ? null : System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(body)));

    [Fact]
    public async Task A_redelivery_gets_the_first_answer_and_runs_nothing()
    {
        var dedup = Create();
        var first = dedup.Begin(Activity("1"), Answer(new { n = 1 }));
        var runs = 0;

        var second = dedup.Begin(Activity("1"), () => { runs++; return Answer()(); });

        Assert.False(first.IsDuplicate);
        Assert.True(second.IsDuplicate);
        Assert.Same(await first.Turn, await second.Turn);
        Assert.Equal(0, runs);
    }

    [Fact]
    public async Task A_flood_of_distinct_ids_is_bounded_in_entries_and_the_newest_are_still_recognised()
    {
        var dedup = Create(maxEntries: 100);

        for (var i = 0; i < 5_000; i++)
        {
            await dedup.Begin(Activity(i.ToString(System.Globalization.CultureInfo.InvariantCulture)), Answer()).Turn;
        }

        Assert.Equal(100, dedup.Count);
        Assert.True(dedup.Begin(Activity("4999"), Answer()).IsDuplicate);
        Assert.False(dedup.Begin(Activity("0"), Answer()).IsDuplicate);
    }

    [Fact]
    public async Task Cached_answers_are_bounded_in_bytes()
    {
        const long maxBytes = 256 * 1024;
        var dedup = Create(maxBytes: maxBytes);
        var bigAnswer = new { card = new string('x', 20_000) };

        for (var i = 0; i < 200; i++)
        {
            await dedup.Begin(Activity("big-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)), Answer(bigAnswer)).Turn;
            Assert.InRange(dedup.Bytes, 0, maxBytes);
        }

        Assert.InRange(dedup.Count, 1, 13);
    }

    [Fact]
    public async Task Huge_ids_count_towards_the_byte_bound()
    {
        const long maxBytes = 128 * 1024;
        var dedup = Create(maxBytes: maxBytes);

        for (var i = 0; i < 100; i++)
        {
            await dedup.Begin(Activity(new string((char)('a' + (i % 26)), 10_000) + i.ToString(System.Globalization.CultureInfo.InvariantCulture)), Answer()).Turn;
        }

        Assert.InRange(dedup.Bytes, 0, maxBytes);
    }

    [Fact]
    public void A_turn_that_never_finishes_is_forgotten_after_the_window()
    {
        var dedup = Create();
        var never = new TaskCompletionSource<TurnAnswer?>();
        var first = dedup.Begin(Activity("stuck"), () => never.Task);
        Assert.True(dedup.Begin(Activity("stuck"), Answer()).IsDuplicate);

        time.Advance(new BotOptions().DeduplicationWindow + TimeSpan.FromSeconds(1));
        var later = dedup.Begin(Activity("stuck"), Answer());

        Assert.False(first.Turn.IsCompleted);
        Assert.False(later.IsDuplicate);
        Assert.Equal(1, dedup.Count);
    }

    [Fact]
    public async Task A_failed_turn_is_forgotten_so_a_redelivery_runs_again()
    {
        var dedup = Create();
        var failed = dedup.Begin(Activity("f"), () => Task.FromException<TurnAnswer?>(new InvalidOperationException("boom")));
        await Assert.ThrowsAsync<InvalidOperationException>(() => failed.Turn);

        Assert.False(dedup.Begin(Activity("f"), Answer()).IsDuplicate);
    }

    [Fact]
    public void The_same_id_in_another_conversation_is_another_activity() =>
        Assert.False(Create().Begin(Activity("1", "a:2"), Answer()).IsDuplicate);
}
