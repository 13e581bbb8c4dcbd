using System.Text.RegularExpressions;

namespace UpdateBot.Domain;

/// <summary>
/// The Welsh words of the away command's argument ("i ffwrdd tan 12 Rhagfyr", "i ffwrdd wythnos nesaf", "i ffwrdd am 2
/// wythnos"), turned into the English ones the date rules read, so one set of rules reads both languages. Only whole
/// words change; text that has none of them passes through unchanged.
/// </summary>
public static partial class WelshWords
{
    /// <summary>The weekdays, said "dydd Gwener", "ddydd Gwener" (mutated, as after "tan") or just "Gwener".</summary>
    private static readonly (string Welsh, string English)[] Weekdays =
    [
        ("llun", "monday"),
        ("mawrth", "tuesday"),
        ("mercher", "wednesday"),
        ("iau", "thursday"),
        ("gwener", "friday"),
        ("sadwrn", "saturday"),
        ("sul", "sunday"),
    ];

    private static readonly (string Welsh, string English)[] Phrases =
    [
        // Longest first: "yr wythnos nesaf" before "wythnos nesaf"; "ddydd gwener" and "dydd gwener" before "gwener".
        ("yr wythnos nesaf", "next week"),
        ("wythnos nesaf", "next week"),
        ("yr wythnos hon", "this week"),
        ("gweddill yr wythnos", "rest of the week"),
        .. Weekdays.Select(d => ("ddydd " + d.Welsh, d.English)),
        .. Weekdays.Select(d => ("dydd " + d.Welsh, d.English)),
        // "Mawrth" is Tuesday and March: next to a day number ("12 Mawrth", "Mawrth 12") ToEnglish has already made it
        // March (MarchWithDay); alone, or after "tan" / "ddydd", it is the weekday.
        .. Weekdays,
        ("yfory", "tomorrow"),
        ("tan", "until"),
        ("ionawr", "january"), ("ion", "jan"),
        ("chwefror", "february"), ("chwef", "feb"),
        ("maw", "mar"),
        ("ebrill", "april"), ("ebr", "apr"),
        ("mai", "may"),
        ("mehefin", "june"), ("meh", "jun"),
        ("gorffennaf", "july"), ("gorff", "jul"),
        ("awst", "august"), ("aws", "aug"),
        ("medi", "september"),
        ("hydref", "october"), ("hyd", "oct"),
        ("tachwedd", "november"), ("tach", "nov"),
        ("rhagfyr", "december"), ("rhag", "dec"),
    ];

    /// <summary>The phrase with its Welsh date words in English (lower-case text in, lower-case text out).</summary>
    public static string ToEnglish(string phrase)
    {
        var lasting = For().Match(phrase);
        if (lasting.Success)
        {
            return $"for {lasting.Groups["n"].Value} {(lasting.Groups["unit"].Value == "wythnos" ? "weeks" : "days")}";
        }

        phrase = MarchWithDay().Replace(WelshOrdinal().Replace(phrase, "$1"), "march");
        foreach (var (welsh, english) in Phrases)
        {
            phrase = Regex.Replace(phrase, $@"(?<![\p{{L}}]){Regex.Escape(welsh)}(?![\p{{L}}])", english, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        }

        return phrase;
    }

    /// <summary>A day number written as a Welsh ordinal: "1af", "2il", "3ydd", "5ed", "12fed", "11eg", "21ain".</summary>
    [GeneratedRegex(@"(?<![\p{L}\d])(\d{1,2})(?:af|il|ydd|ed|fed|eg|ain)(?![\p{L}])", RegexOptions.CultureInvariant)]
    private static partial Regex WelshOrdinal();

    /// <summary>"Mawrth" next to a day number is the month: "12 mawrth", "mawrth 12".</summary>
    [GeneratedRegex(@"(?<=\d\s)mawrth(?![\p{L}])|(?<![\p{L}])mawrth(?=\s\d)", RegexOptions.CultureInvariant)]
    private static partial Regex MarchWithDay();

    /// <summary>"am 2 wythnos" (for 2 weeks), "am 3 diwrnod" (for 3 days).</summary>
    [GeneratedRegex(@"^am (?<n>\d{1,3}) (?<unit>wythnos|diwrnod)$", RegexOptions.CultureInvariant)]
    private static partial Regex For();
}
