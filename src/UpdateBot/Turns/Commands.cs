using System.Text.RegularExpressions;
using UpdateBot.Domain;

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

    /// <summary>"public name [first|full|team] [everywhere]": how the person is named in open weeknotes.</summary>
    PublicName,

    /// <summary>"glossary", "glossary add ICB = integrated care board", "glossary remove ICB": the squad's acronyms (leads).</summary>
    Glossary,
    /// <summary>"my time zone [Region/City|auto]": the person's own clock for prompts and reminders.</summary>
    MyTimeZone,
}

public sealed record Command(CommandKind Kind, string Argument, string Text)
{
    /// <summary>For a message taken as an answer: the command it starts like, so the reply can ask "did you mean it?".</summary>
    public CommandKind? LooksLike { get; init; }
}

public static partial class Commands
{
    private static readonly (string Phrase, CommandKind Kind)[] Phrases =
    [
        ("erase my data", CommandKind.EraseMyData),
        ("delete my data", CommandKind.EraseMyData),
        ("my data", CommandKind.MyData),
        ("my time zone", CommandKind.MyTimeZone),
        ("my timezone", CommandKind.MyTimeZone),
        ("public name", CommandKind.PublicName),
        ("glossary", CommandKind.Glossary),
        ("prompt now", CommandKind.PromptNow),
        ("send prompts now", CommandKind.PromptNow),
        ("remind now", CommandKind.RemindNow),
        ("send again", CommandKind.SendAgain),
        ("my update", CommandKind.MyUpdate),
        ("quiet week", CommandKind.Quiet),
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

    /// <summary>Any day will do to tell whether an away period is well formed ("until 12 Dec", "next week", "for 2 weeks").</summary>
    private static readonly DateOnly AnyDay = new(2026, 1, 1);

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

        CommandKind? looksLike = null;
        foreach (var (phrase, kind) in Phrases)
        {
            if (lower == phrase || lower.StartsWith(phrase + " ", StringComparison.Ordinal))
            {
                var argument = cleaned[phrase.Length..].Trim();
                // A command is the command alone or with a well-formed argument ("away until 12 Dec", "away next week",
                // "away for 2 weeks", "export 2026-W48"). So "Away day in Leeds was great" or "Publish date for the
                // strategy is agreed" are answers, never commands that act on the squad or the member's week.
                var takesArgument = kind switch
                {
                    // "away until" alone is the command the app manifest suggests: it asks when.
                    CommandKind.Away => argument.Equals("until", StringComparison.OrdinalIgnoreCase) || AwayPeriod.TryParse(argument, AnyDay, out _),
                    CommandKind.Export => WeekArgument().IsMatch(argument) || PublicExportArgument().IsMatch(argument),
                    CommandKind.PublicName => ReadPublicName(argument) is not null,
                    CommandKind.Glossary => GlossaryChange.Read(argument) is not null,
                    CommandKind.MyTimeZone => TimeZoneArgument().IsMatch(argument),
                    _ => false,
                };
                if (argument.Length > 0 && !takesArgument)
                {
                    looksLike ??= kind;
                    continue;
                }

                return new Command(kind, argument, cleaned);
            }
        }

        return new Command(CommandKind.Unknown, "", cleaned) { LooksLike = looksLike };
    }

    /// <summary>"export public" or "export public 2026-W48": the open edition's Markdown.</summary>
    public static bool IsPublicExport(Command command) =>
        command.Kind == CommandKind.Export && command.Argument.StartsWith("public", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The argument of <c>public name</c>: a choice ("first", "full", "team"), and whether it is for past editions too
    /// (a trailing "everywhere"). Null when it is not one.
    /// </summary>
    public static (PublicName Name, bool Everywhere)? ReadPublicName(string argument)
    {
        var words = argument.Trim();
        var everywhere = words.EndsWith(" everywhere", StringComparison.OrdinalIgnoreCase);
        if (everywhere)
        {
            words = words[..^" everywhere".Length];
        }

        return OpenConsent.ParsePublicName(words) is { } name ? (name, everywhere) : null;
    }

    /// <summary>The "did you mean the command?" line shown when a message that starts like one was kept as an answer.</summary>
    public static string DidYouMean(CommandKind kind) => kind switch
    {
        CommandKind.Away => "Did you mean the **away** command? Then say **away until 12 Dec**, **away next week** or **away for 2 weeks** on its own, and **Undo** this.",
        CommandKind.Export => "Did you mean **export**? Then say **export**, **export 2026-W48** or **export public** on its own, and **Undo** this.",
        CommandKind.Glossary => "Did you mean the **glossary** command? Then say **glossary**, **glossary add ICB = integrated care board** or **glossary remove ICB** on its own, and **Undo** this.",
        CommandKind.MyTimeZone => "Did you mean the **my time zone** command? Then say **my time zone Europe/Lisbon** (your zone's IANA name) or **my time zone auto** on its own, and **Undo** this.",
        CommandKind.PublicName => "Did you mean the **public name** command? Then say **public name first**, **public name full** or **public name team** (add **everywhere** for past weeknotes too) on its own, and **Undo** this.",
        _ => $"Did you mean the **{Phrases.First(p => p.Kind == kind).Phrase}** command? Then say it on its own, and **Undo** this.",
    };

    [GeneratedRegex("<at[^>]*>.*?</at>", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex MentionPattern();

    [GeneratedRegex(@"^\d{4}-[wW]\d{1,2}$")]
    private static partial Regex WeekArgument();

    [GeneratedRegex(@"^public( \d{4}-[wW]\d{1,2})?$", RegexOptions.IgnoreCase)]
    private static partial Regex PublicExportArgument();

    /// <summary>One word shaped like an IANA zone name ("Europe/Lisbon", "America/Argentina/Salta", "UTC") or "auto".</summary>
    [GeneratedRegex(@"^[A-Za-z][A-Za-z_]*(/[A-Za-z0-9_+\-]+){0,2}$")]
    private static partial Regex TimeZoneArgument();

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhitespacePattern();
}
