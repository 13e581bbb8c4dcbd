using System.Globalization;

namespace UpdateBot.Storage;

/// <summary>What kind of message a send intent is.</summary>
public enum IntentKind
{
    Prompt,
    Reminder,
    ReviewDesk,
    PublishReminder,
    PostUnconfirmedNotice,
    PostRefusedNotice,
    ChannelPost,

    /// <summary>A reader's question, 1:1 to the item's author (<see cref="SendIntent.Topic"/>: the question id).</summary>
    Question,

    /// <summary>The author's answer, as a reply in the weeknote's thread (recipient: the reader who asked).</summary>
    QuestionAnswer,
}

/// <summary>
/// One message the bot intends to send in a squad-week, and the one place that knows how its marker key is written
/// and read: <c>send|kind[.part]|recipient</c> for 1:1 messages (<c>send|kind|recipient|topic</c> for one of several of
/// a kind, such as each reader's question), <c>post</c> and <c>post|part|N</c> for the channel post.
/// </summary>
/// <param name="Part">0 for the message itself; 1, 2, … for the further cards of a review desk or parts of a post.</param>
public readonly record struct SendIntent(IntentKind Kind, string? Recipient, int Part = 0)
{
    /// <summary>Which one of several intents of a kind to the same recipient (a question's id); null for the rest.</summary>
    public string? Topic { get; init; }

    private const string PostKey = "post";
    private const string PartPrefix = "post|part|";
    private const string SendPrefix = "send|";

    private static readonly Dictionary<IntentKind, string> Names = new()
    {
        [IntentKind.Prompt] = "prompt",
        [IntentKind.Reminder] = "remind",
        [IntentKind.ReviewDesk] = "review",
        [IntentKind.PublishReminder] = "publishreminder",
        [IntentKind.PostUnconfirmedNotice] = "notice-post-unconfirmed",
        [IntentKind.PostRefusedNotice] = "notice-post-refused",
        [IntentKind.Question] = "question",
        [IntentKind.QuestionAnswer] = "answer",
    };

    private static readonly Dictionary<string, IntentKind> Kinds = Names.ToDictionary(p => p.Value, p => p.Key, StringComparer.Ordinal);

    /// <summary>The week's channel post (its first card).</summary>
    public static SendIntent Post { get; } = new(IntentKind.ChannelPost, null);

    public static SendIntent PostPart(int part) => new(IntentKind.ChannelPost, null, part);

    public static SendIntent To(IntentKind kind, string recipient, int part = 0) => new(kind, recipient, part);

    /// <summary>A reader's question <paramref name="questionId"/>, to the item's author.</summary>
    public static SendIntent Question(string authorId, string questionId) => new(IntentKind.Question, authorId) { Topic = questionId };

    /// <summary>The answer to question <paramref name="questionId"/>, in the weeknote's thread, for the reader who asked.</summary>
    public static SendIntent QuestionAnswer(string askerId, string questionId) => new(IntentKind.QuestionAnswer, askerId) { Topic = questionId };

    /// <summary>The marker's row key.</summary>
    public string Key => Kind == IntentKind.ChannelPost
        ? Part == 0 ? PostKey : PartPrefix + Part.ToString(CultureInfo.InvariantCulture)
        : SendPrefix + Names[Kind] + (Part == 0 ? "" : "." + Part.ToString(CultureInfo.InvariantCulture)) + "|" + TableKey.Encode(Recipient ?? "")
            + (Topic is null ? "" : "|" + TableKey.Encode(Topic));

    /// <summary>Reads a marker's row key back; false for rows that are not send intents (step markers, the draft).</summary>
    public static bool TryRead(string rowKey, out SendIntent intent)
    {
        intent = default;
        if (rowKey == PostKey)
        {
            intent = Post;
            return true;
        }

        if (rowKey.StartsWith(PartPrefix, StringComparison.Ordinal))
        {
            if (!int.TryParse(rowKey.AsSpan(PartPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var part))
            {
                return false;
            }

            intent = PostPart(part);
            return true;
        }

        // The recipient and the topic are encoded (TableKey escapes '|'), so the fields split cleanly.
        var fields = rowKey.Split('|');
        if (fields is not (["send", _, _] or ["send", _, _, _]))
        {
            return false;
        }

        var (kindAndPart, recipient, topic) = (fields[1], fields[2], fields.Length == 4 ? TableKey.Decode(fields[3]) : null);

        var dot = kindAndPart.IndexOf('.', StringComparison.Ordinal);
        var name = dot < 0 ? kindAndPart : kindAndPart[..dot];
        var partNumber = 0;
        if (!Kinds.TryGetValue(name, out var kind) || (dot >= 0 && !int.TryParse(kindAndPart.AsSpan(dot + 1), NumberStyles.None, CultureInfo.InvariantCulture, out partNumber)))
        {
            return false;
        }

        intent = new SendIntent(kind, TableKey.Decode(recipient), partNumber) { Topic = topic };
        return true;
    }
}
