using System.Text.RegularExpressions;

namespace UpdateBot.Domain;

/// <summary>
/// The Welsh words of the away command's argument ("i ffwrdd tan 12 Rhagfyr", "i ffwrdd wythnos nesaf", "i ffwrdd am 2
/// wythnos"), turned into the English ones the date rules read, so one set of rules reads both languages. Only whole
/// words change; text that has none of them passes through unchanged.
/// </summary>
public static partial class WelshWords
{
    private static readonly (string Welsh, string English)[] Phrases =
    [
        // Longest first: "yr wythnos nesaf" before "wythnos nesaf"; weekdays ("dydd mawrth": Tuesday) before months ("mawrth": March).
        ("yr wythnos nesaf", "next week"),
        ("wythnos nesaf", "next week"),
        ("yr wythnos hon", "this week"),
        ("gweddill yr wythnos", "rest of the week"),
        ("dydd llun", "monday"),
        ("dydd mawrth", "tuesday"),
        ("dydd mercher", "wednesday"),
        ("dydd iau", "thursday"),
        ("dydd gwener", "friday"),
        ("dydd sadwrn", "saturday"),
        ("dydd sul", "sunday"),
        ("yfory", "tomorrow"),
        ("tan", "until"),
        ("ionawr", "january"), ("ion", "jan"),
        ("chwefror", "february"), ("chwef", "feb"),
        ("mawrth", "march"), ("maw", "mar"),
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

        foreach (var (welsh, english) in Phrases)
        {
            phrase = Regex.Replace(phrase, $@"(?<![\p{{L}}]){Regex.Escape(welsh)}(?![\p{{L}}])", english, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        }

        return phrase;
    }

    /// <summary>"am 2 wythnos" (for 2 weeks), "am 3 diwrnod" (for 3 days).</summary>
    [GeneratedRegex(@"^am (?<n>\d{1,3}) (?<unit>wythnos|diwrnod)$", RegexOptions.CultureInvariant)]
    private static partial Regex For();
}
