using UpdateBot.Storage;

namespace UpdateBot.Tests;

/// <summary>One place writes and reads send-intent keys; the keys keep the shape already stored.</summary>
public sealed class SendIntentTests
{
    public static TheoryData<SendIntent, string> Keys() => new()
    {
        { SendIntent.To(IntentKind.Prompt, "29:bo"), "send|prompt|" + TableKey.Encode("29:bo") },
        { SendIntent.To(IntentKind.Reminder, "29:bo"), "send|remind|" + TableKey.Encode("29:bo") },
        { SendIntent.To(IntentKind.ReviewDesk, "29:lead"), "send|review|" + TableKey.Encode("29:lead") },
        { SendIntent.To(IntentKind.ReviewDesk, "29:lead", 2), "send|review.2|" + TableKey.Encode("29:lead") },
        { SendIntent.To(IntentKind.PublishReminder, "29:lead"), "send|publishreminder|" + TableKey.Encode("29:lead") },
        { SendIntent.To(IntentKind.PostRefusedNotice, "29:lead"), "send|notice-post-refused|" + TableKey.Encode("29:lead") },
        { SendIntent.To(IntentKind.PostUnconfirmedNotice, "a/b#c?"), "send|notice-post-unconfirmed|" + TableKey.Encode("a/b#c?") },
        { SendIntent.Post, "post" },
        { SendIntent.PostPart(3), "post|part|3" },
    };

    [Theory]
    [MemberData(nameof(Keys))]
    public void A_key_is_written_in_the_stored_shape_and_reads_back_to_the_same_intent(SendIntent intent, string key)
    {
        Assert.Equal(key, intent.Key);
        Assert.True(SendIntent.TryRead(key, out var read));
        Assert.Equal(intent, read);
    }

    [Theory]
    [InlineData("step|Open")]
    [InlineData("draft")]
    [InlineData("send|unknown|29:bo")]
    [InlineData("send|review.x|29:bo")]
    [InlineData("post|part|x")]
    public void Rows_that_are_not_send_intents_are_not_read_as_one(string key) =>
        Assert.False(SendIntent.TryRead(key, out _));
}
