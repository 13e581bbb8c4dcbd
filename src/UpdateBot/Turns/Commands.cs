using System.Text.RegularExpressions;
using UpdateBot.Domain;
using UpdateBot.Localisation;

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

    /// <summary>"language [English|Welsh|auto]" / "iaith [Cymraeg|Saesneg|awto]": the language the bot speaks to the person.</summary>
    Language,

    /// <summary>"headings English|Welsh|both" / "penawdau Saesneg|Cymraeg|y ddwy": the channel post's heading languages (leads).</summary>
    Headings,
}

public sealed record Command(CommandKind Kind, string Argument, string Text)
{
    /// <summary>For a message taken as an answer: the command it starts like, so the reply can ask "did you mean it?".</summary>
    public CommandKind? LooksLike { get; init; }
}

public static partial class Commands
{
    /// <summary>
    /// The command words, in English and Welsh (README, "Welsh and English"): the one table that owns them. Either
    /// language's words work for everyone; the first phrase of a kind in a language is the one the bot says back.
    /// Longer phrases come before the shorter ones they start with ("publish now" before "publish").
    /// </summary>
    private static readonly (string Phrase, CommandKind Kind, Language Language)[] Phrases =
    [
        ("erase my data", CommandKind.EraseMyData, Language.English),
        ("delete my data", CommandKind.EraseMyData, Language.English),
        ("dileu fy nata", CommandKind.EraseMyData, Language.Welsh),
        ("my data", CommandKind.MyData, Language.English),
        ("fy nata", CommandKind.MyData, Language.Welsh),
        ("my time zone", CommandKind.MyTimeZone, Language.English),
        ("my timezone", CommandKind.MyTimeZone, Language.English),
        ("fy nghylchfa amser", CommandKind.MyTimeZone, Language.Welsh),
        ("public name", CommandKind.PublicName, Language.English),
        ("enw cyhoeddus", CommandKind.PublicName, Language.Welsh),
        ("glossary", CommandKind.Glossary, Language.English),
        ("geirfa", CommandKind.Glossary, Language.Welsh),
        ("prompt now", CommandKind.PromptNow, Language.English),
        ("send prompts now", CommandKind.PromptNow, Language.English),
        ("annog nawr", CommandKind.PromptNow, Language.Welsh),
        ("remind now", CommandKind.RemindNow, Language.English),
        ("atgoffa nawr", CommandKind.RemindNow, Language.Welsh),
        ("send again", CommandKind.SendAgain, Language.English),
        ("anfon eto", CommandKind.SendAgain, Language.Welsh),
        ("my update", CommandKind.MyUpdate, Language.English),
        ("fy niweddariad", CommandKind.MyUpdate, Language.Welsh),
        ("quiet week", CommandKind.Quiet, Language.English),
        ("wythnos dawel", CommandKind.Quiet, Language.Welsh),
        ("publish now", CommandKind.Publish, Language.English),
        ("cyhoeddi nawr", CommandKind.Publish, Language.Welsh),
        ("help", CommandKind.Help, Language.English),
        ("cymorth", CommandKind.Help, Language.Welsh),
        ("status", CommandKind.Status, Language.English),
        ("statws", CommandKind.Status, Language.Welsh),
        ("preview", CommandKind.Preview, Language.English),
        ("rhagolwg", CommandKind.Preview, Language.Welsh),
        ("publish", CommandKind.Publish, Language.English),
        ("cyhoeddi", CommandKind.Publish, Language.Welsh),
        ("export", CommandKind.Export, Language.English),
        ("allforio", CommandKind.Export, Language.Welsh),
        ("history", CommandKind.History, Language.English),
        ("hanes", CommandKind.History, Language.Welsh),
        ("settings", CommandKind.Settings, Language.English),
        ("setup", CommandKind.Settings, Language.English),
        ("gosodiadau", CommandKind.Settings, Language.Welsh),
        ("quiet", CommandKind.Quiet, Language.English),
        ("tawel", CommandKind.Quiet, Language.Welsh),
        ("away", CommandKind.Away, Language.English),
        ("i ffwrdd", CommandKind.Away, Language.Welsh),
        ("back", CommandKind.Back, Language.English),
        ("yn ôl", CommandKind.Back, Language.Welsh),
        ("yn ol", CommandKind.Back, Language.Welsh),
        ("stop", CommandKind.Stop, Language.English),
        ("stopio", CommandKind.Stop, Language.Welsh),
        ("start", CommandKind.Start, Language.English),
        ("dechrau", CommandKind.Start, Language.Welsh),
        ("headings", CommandKind.Headings, Language.English),
        ("penawdau", CommandKind.Headings, Language.Welsh),
        ("language", CommandKind.Language, Language.English),
        ("iaith", CommandKind.Language, Language.Welsh),
    ];

    /// <summary>
    /// The words of the arguments of <c>public name</c> and <c>glossary</c> (README, "Welsh and English"): what each
    /// means in the English the rules read, and in which language. The first of a meaning in a language is the one the
    /// bot says back. Welsh from TermCymru where it has the term (<i>enw cyntaf</i>, <i>enw llawn</i>, <i>ychwanegu</i>,
    /// <i>tynnu</i>); "dileu" (delete) is taken as remove too.
    /// </summary>
    private static readonly (string Phrase, string Means, Language Language)[] ArgumentPhrases =
    [
        ("first", "first", Language.English),
        ("cyntaf", "first", Language.Welsh),
        ("enw cyntaf", "first", Language.Welsh),
        ("full", "full", Language.English),
        ("llawn", "full", Language.Welsh),
        ("enw llawn", "full", Language.Welsh),
        ("team", "team", Language.English),
        ("tîm", "team", Language.Welsh),
        ("tim", "team", Language.Welsh),
        ("aelod o'r tîm", "team", Language.Welsh),
        ("aelod o'r tim", "team", Language.Welsh),
        ("dienw", "team", Language.Welsh),
        ("everywhere", "everywhere", Language.English),
        ("ym mhobman", "everywhere", Language.Welsh),
        ("ymhobman", "everywhere", Language.Welsh),
        ("pobman", "everywhere", Language.Welsh),
        ("add", "add", Language.English),
        ("ychwanegu", "add", Language.Welsh),
        ("remove", "remove", Language.English),
        ("tynnu", "remove", Language.Welsh),
        ("dileu", "remove", Language.Welsh),
    ];

    /// <summary>The word for an argument in a language ("first" → "cyntaf"), as replies and the help card say it.</summary>
    public static string ArgumentWord(string means, Language language) =>
        ArgumentPhrases.FirstOrDefault(p => p.Means == means && p.Language == language).Phrase ?? means;

    /// <summary>The Welsh argument words of <paramref name="words"/> in English (whole words, longest first); the rest as it is.</summary>
    private static string ArgumentsInEnglish(string words)
    {
        foreach (var (phrase, means, _) in ArgumentPhrases.Where(p => p.Language != Language.English).OrderByDescending(p => p.Phrase.Length))
        {
            words = Regex.Replace(words, $@"(?<![\p{{L}}'’]){Regex.Escape(phrase)}(?![\p{{L}}'’])", means, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        }

        return words;
    }

    /// <summary>
    /// The change a <c>glossary</c> / <c>geirfa</c> argument asks for: only its first word (add / remove, in either
    /// language) is read as a command word; the acronym and what it stands for stay as written.
    /// </summary>
    public static GlossaryChange? ReadGlossary(string argument)
    {
        var text = argument.Trim();
        var space = text.IndexOf(' ', StringComparison.Ordinal);
        var verb = space < 0 ? text : text[..space];
        var english = ArgumentPhrases.FirstOrDefault(p => p.Phrase.Equals(verb, StringComparison.OrdinalIgnoreCase) && p.Means is "add" or "remove").Means;
        return GlossaryChange.Read(english is null ? text : english + text[verb.Length..]);
    }

    /// <summary>Greetings taken as a request for help, in both languages.</summary>
    private static readonly string[] Greetings = ["?", "hi", "hello", "hey", "helo", "shwmae", "shw mae", "sut mae", "su'mae"];

    /// <summary>The word for a command in a language ("fy niweddariad"), as the help card and replies say it.</summary>
    public static string Word(CommandKind kind, Language language) =>
        Phrases.FirstOrDefault(p => p.Kind == kind && p.Language == language).Phrase ?? Phrases.First(p => p.Kind == kind).Phrase;

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
        if (Greetings.Contains(lower))
        {
            return new Command(CommandKind.Help, "", cleaned);
        }

        CommandKind? looksLike = null;
        foreach (var (phrase, kind, _) in Phrases)
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
                    CommandKind.Glossary => ReadGlossary(argument) is not null,
                    CommandKind.MyTimeZone => TimeZoneArgument().IsMatch(argument),
                    CommandKind.Language => Languages.ParseChoice(argument) is not null,
                    CommandKind.Headings => Languages.ParseHeadings(argument) is not null,
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

    /// <summary>"export public" or "export public 2026-W48" ("allforio cyhoeddus"): the open edition's Markdown.</summary>
    public static bool IsPublicExport(Command command) =>
        command.Kind == CommandKind.Export && PublicExportArgument().IsMatch(command.Argument);

    /// <summary>The week an export names ("2026-W48"), without "public": empty when it names none.</summary>
    public static string ExportWeek(Command command) =>
        IsPublicExport(command) ? PublicExportArgument().Match(command.Argument).Groups["week"].Value.Trim() : command.Argument;

    /// <summary>
    /// The argument of <c>public name</c> / <c>enw cyhoeddus</c>: a choice ("first", "full", "team"; "cyntaf", "llawn",
    /// "tîm"), and whether it is for past editions too (a trailing "everywhere" / "ym mhobman"). Null when it is not one.
    /// </summary>
    public static (PublicName Name, bool Everywhere)? ReadPublicName(string argument)
    {
        var words = ArgumentsInEnglish(WhitespacePattern().Replace(argument, " ").Trim());
        var everywhere = words.EndsWith(" everywhere", StringComparison.OrdinalIgnoreCase);
        if (everywhere)
        {
            words = words[..^" everywhere".Length];
        }

        return OpenConsent.ParsePublicName(words) is { } name ? (name, everywhere) : null;
    }

    /// <summary>The "did you mean the command?" line shown when a message that starts like one was kept as an answer.</summary>
    public static string DidYouMean(CommandKind kind, Texts texts) => kind switch
    {
        CommandKind.Away or CommandKind.Export or CommandKind.Glossary or CommandKind.MyTimeZone or CommandKind.PublicName or CommandKind.Language or CommandKind.Headings => texts["Command.DidYouMean." + kind],
        _ => texts.Format("Command.DidYouMean.Other", Word(kind, texts.Language)),
    };

    [GeneratedRegex("<at[^>]*>.*?</at>", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex MentionPattern();

    [GeneratedRegex(@"^\d{4}-[wW]\d{1,2}$")]
    private static partial Regex WeekArgument();

    [GeneratedRegex(@"^(public|cyhoeddus)(?<week> \d{4}-[wW]\d{1,2})?$", RegexOptions.IgnoreCase)]
    private static partial Regex PublicExportArgument();

    /// <summary>One word shaped like an IANA zone name ("Europe/Lisbon", "America/Argentina/Salta", "UTC") or "auto".</summary>
    [GeneratedRegex(@"^[A-Za-z][A-Za-z_]*(/[A-Za-z0-9_+\-]+){0,2}$")]
    private static partial Regex TimeZoneArgument();

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhitespacePattern();
}
