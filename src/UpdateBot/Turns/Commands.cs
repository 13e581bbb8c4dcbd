using System.Text.RegularExpressions;

namespace UpdateBot.Turns;

/// <summary>The commands people can type (issue 3 item 7). Lead-only ones are checked by the handler.</summary>
public enum CommandKind
{
    Unknown,
    Help,
    Status,
    PromptNow,
    RemindNow,
    SendAgain,
    Preview,
    Publish,
    Export,
    History,
    Settings,
    MyUpdate,
    Quiet,
    Away,
    Back,
    Stop,
    Start,
    MyData,
    EraseMyData,
}

public sealed record Command(CommandKind Kind, string Argument, string Text);

public static partial class Commands
{
    private static readonly (string Phrase, CommandKind Kind)[] Phrases =
    [
        ("erase my data", CommandKind.EraseMyData),
        ("delete my data", CommandKind.EraseMyData),
        ("my data", CommandKind.MyData),
        ("prompt now", CommandKind.PromptNow),
        ("send prompts now", CommandKind.PromptNow),
        ("remind now", CommandKind.RemindNow),
        ("send again", CommandKind.SendAgain),
        ("my update", CommandKind.MyUpdate),
        ("quiet week", CommandKind.Quiet),
        ("away until", CommandKind.Away),
        ("publish now", CommandKind.Publish),
        ("help", CommandKind.Help),
        ("status", CommandKind.Status),
        ("preview", CommandKind.Preview),
        ("publish", CommandKind.Publish),
        ("export", CommandKind.Export),
        ("history", CommandKind.History),
        ("settings", CommandKind.Settings),
        ("setup", CommandKind.Settings),
        ("quiet", CommandKind.Quiet),
        ("away", CommandKind.Away),
        ("back", CommandKind.Back),
        ("stop", CommandKind.Stop),
        ("start", CommandKind.Start),
    ];

    /// <summary>
    /// Reads a command from message text: mention markup removed (docs/protocol.md, "Mentions in inbound text": channel messages carry
    /// <c>&lt;at&gt;Bot&lt;/at&gt;</c>), case and surrounding punctuation ignored. A command must start the text;
    /// anything else is <see cref="CommandKind.Unknown"/> (and, in a 1:1 chat, may be an answer).
    /// </summary>
    public static Command Parse(string? text)
    {
        var cleaned = MentionPattern().Replace(text ?? "", " ");
        cleaned = WhitespacePattern().Replace(cleaned, " ").Trim().TrimEnd('.', '!', '?').Trim();
        var lower = cleaned.ToLowerInvariant();
        if (lower is "?" or "hi" or "hello" or "hey")
        {
            return new Command(CommandKind.Help, "", cleaned);
        }

        foreach (var (phrase, kind) in Phrases)
        {
            if (lower == phrase || lower.StartsWith(phrase + " ", StringComparison.Ordinal))
            {
                var argument = cleaned[phrase.Length..].Trim();
                // A command is the command alone; only "away until <date>" and "export <week>" take an argument. So
                // "Publish date for the strategy is agreed" or "back from the conference, met the ICB team…" are
                // answers, never commands that act on the squad.
                var takesArgument = kind switch
                {
                    CommandKind.Away => argument.Length <= 40,
                    CommandKind.Export => WeekArgument().IsMatch(argument),
                    _ => false,
                };
                if (argument.Length > 0 && !takesArgument)
                {
                    continue;
                }

                return new Command(kind, argument, cleaned);
            }
        }

        return new Command(CommandKind.Unknown, "", cleaned);
    }

    [GeneratedRegex("<at[^>]*>.*?</at>", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex MentionPattern();

    [GeneratedRegex(@"^\d{4}-[wW]\d{1,2}$")]
    private static partial Regex WeekArgument();

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhitespacePattern();
}
