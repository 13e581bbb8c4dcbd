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
}

/// <summary>
/// One message the bot intends to send in a squad-week, and the one place that knows how its marker key is written
/// and read: <c>send|kind[.part]|recipient</c> for 1:1 messages, <c>post</c> and <c>post|part|N</c> for the channel post.
/// </summary>
/// <param name="Part">0 for the message itself; 1, 2, … for the further cards of a review desk or parts of a post.</param>
public readonly record struct SendIntent(IntentKind Kind, string? Recipient, int Part = 0)
{
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
    };

    private static readonly Dictionary<string, IntentKind> Kinds = Names.ToDictionary(p => p.Value, p => p.Key, StringComparer.Ordinal);

    /// <summary>The week's channel post (its first card).</summary>
    public static SendIntent Post { get; } = new(IntentKind.ChannelPost, null);

    public static SendIntent PostPart(int part) => new(IntentKind.ChannelPost, null, part);

    public static SendIntent To(IntentKind kind, string recipient, int part = 0) => new(kind, recipient, part);

    /// <summary>The marker's row key.</summary>
    public string Key => Kind == IntentKind.ChannelPost
        ? Part == 0 ? PostKey : PartPrefix + Part.ToString(CultureInfo.InvariantCulture)
        : SendPrefix + Names[Kind] + (Part == 0 ? "" : "." + Part.ToString(CultureInfo.InvariantCulture)) + "|" + TableKey.Encode(Recipient ?? "");

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

        var fields = rowKey.Split('|', 3);
        if (fields is not ["send", var kindAndPart, var recipient])
        {
            return false;
        }

        var dot = kindAndPart.IndexOf('.', StringComparison.Ordinal);
        var name = dot < 0 ? kindAndPart : kindAndPart[..dot];
        var partNumber = 0;
        if (!Kinds.TryGetValue(name, out var kind) || (dot >= 0 && !int.TryParse(kindAndPart.AsSpan(dot + 1), NumberStyles.None, CultureInfo.InvariantCulture, out partNumber)))
        {
            return false;
        }

        intent = new SendIntent(kind, TableKey.Decode(recipient), partNumber);
        return true;
    }
}
