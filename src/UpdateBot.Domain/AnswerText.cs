using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace UpdateBot.Domain;

/// <summary>Text longer than its limit: <paramref name="Length"/> characters where <paramref name="Limit"/> are allowed.</summary>
public sealed record TooLong(int Length, int Limit);

/// <summary>Rules for what members type.</summary>
public static partial class AnswerText
{
    public const int MaxSectionLength = 2000;

    /// <summary>
    /// Makes member text safe to show: trims, normalises line endings to <c>\n</c>, removes control characters (keeping
    /// newlines and tabs) and bidi overrides, neutralises Teams mention markup (<c>&lt;at&gt;Name&lt;/at&gt;</c> becomes
    /// <c>@Name</c>) so it cannot spoof a mention, and collapses runs of blank lines to one. Links and Markdown stay as
    /// written. Idempotent.
    /// </summary>
    public static string Clean(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        var normalised = text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');

        var kept = new StringBuilder(normalised.Length);
        for (var i = 0; i < normalised.Length; i++)
        {
            var c = normalised[i];
            if (char.IsHighSurrogate(c) && i + 1 < normalised.Length && char.IsLowSurrogate(normalised[i + 1]))
            {
                kept.Append(c).Append(normalised[++i]);
                continue;
            }

            // An unpaired surrogate is not text: JSON writers turn it into U+FFFD, so the stored answer and the card would differ.
            if ((char.IsControl(c) && c is not '\n' and not '\t') || IsBidiControl(c) || char.IsSurrogate(c))
            {
                continue;
            }

            kept.Append(c);
        }

        // Removing one tag can join its neighbours into a new one ("<<at>at>"), so repeat until none is left.
        var result = kept.ToString();
        while (MentionTag().IsMatch(result))
        {
            result = MentionTag().Replace(result, m => m.Value.Contains('/', StringComparison.Ordinal) ? string.Empty : "@");
        }

        result = BlankLineRun().Replace(result, "\n\n");
        return result.Trim();
    }

    /// <summary>
    /// Null when fine, else how far over <see cref="MaxSectionLength"/> the text is. The service says so in the person's
    /// language, naming what was too long ("Discovery and delivery is 2,345 characters; the limit is 2,000.").
    /// </summary>
    public static TooLong? CheckLength(string? text) =>
        (text ?? string.Empty).Length <= MaxSectionLength ? null : new TooLong(text!.Length, MaxSectionLength);

    /// <summary>
    /// Parses when a member is back, relative to <paramref name="today"/> (the squad's local date):
    /// "away until 12 Dec", "12 December", "Dec 12", "2026-12-12", "12/12/2026" (day/month/year, UK style),
    /// "Friday" (the next Friday after today), "next week" (the Monday after today), "tomorrow".
    /// A day and month without a year is the next such date on or after today. Null when it cannot be read.
    /// </summary>
    public static DateOnly? ParseAwayUntil(string? text, DateOnly today)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var phrase = Ordinal().Replace(LeadIn().Replace(text.Trim().ToLowerInvariant(), string.Empty), "$1");
        phrase = phrase.Trim().TrimEnd('.', '!', ',').Trim();

        switch (phrase)
        {
            case "tomorrow":
                return today.AddDays(1);
            case "next week":
                return today.AddDays(DaysUntil(today.DayOfWeek, DayOfWeek.Monday));
        }

        var weekday = WeekdayOnly().Match(phrase);
        if (weekday.Success && SettingsValidation.TryParseDay(weekday.Groups["day"].Value, out var day))
        {
            return today.AddDays(DaysUntil(today.DayOfWeek, day));
        }

        var iso = IsoDate().Match(phrase);
        if (iso.Success)
        {
            return DateOrNull(Number(iso, "y"), Number(iso, "m"), Number(iso, "d"));
        }

        var numeric = DayMonthYear().Match(phrase);
        if (numeric.Success)
        {
            var month = Number(numeric, "m");
            var dayOfMonth = Number(numeric, "d");
            if (!numeric.Groups["y"].Success)
            {
                return NextOccurrence(month, dayOfMonth, today);
            }

            var year = Number(numeric, "y");
            return DateOrNull(year < 100 ? 2000 + year : year, month, dayOfMonth);
        }

        var named = DayMonthName().Match(phrase) is { Success: true } dayFirst ? dayFirst : MonthNameDay().Match(phrase);
        if (named.Success && MonthNumber(named.Groups["month"].Value) is { } monthNumber)
        {
            var dayOfMonth = Number(named, "d");
            return named.Groups["y"].Success
                ? DateOrNull(Number(named, "y"), monthNumber, dayOfMonth)
                : NextOccurrence(monthNumber, dayOfMonth, today);
        }

        return null;
    }

    /// <summary>Days from <paramref name="from"/> to the next <paramref name="to"/>: 1–7, never today.</summary>
    private static int DaysUntil(DayOfWeek from, DayOfWeek to)
    {
        var days = ((int)to - (int)from + 7) % 7;
        return days == 0 ? 7 : days;
    }

    private static DateOnly? NextOccurrence(int month, int day, DateOnly today)
    {
        if (month is < 1 or > 12 || day < 1 || day > 31)
        {
            return null;
        }

        // Eight years always reaches a leap year, so 29 Feb finds its next occurrence too.
        for (var year = today.Year; year <= today.Year + 8; year++)
        {
            if (DateOrNull(year, month, day) is { } date && date >= today)
            {
                return date;
            }
        }

        return null;
    }

    private static DateOnly? DateOrNull(int year, int month, int day) =>
        year is >= 1 and <= 9999 && month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(year, month)
            ? new DateOnly(year, month, day)
            : null;

    private static int Number(Match match, string group) =>
        int.Parse(match.Groups[group].Value, NumberStyles.None, CultureInfo.InvariantCulture);

    private static int? MonthNumber(string name)
    {
        if (name.Length < 3)
        {
            return null;
        }

        var months = CultureInfo.InvariantCulture.DateTimeFormat.MonthNames;
        for (var i = 0; i < 12; i++)
        {
            // "dec", "december", and also "sept".
            if (months[i].StartsWith(name, StringComparison.OrdinalIgnoreCase))
            {
                return i + 1;
            }
        }

        return null;
    }

    private static bool IsBidiControl(char c) => c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069';

    /// <summary>Teams mention markup, opening or closing, with or without attributes: &lt;at&gt;, &lt;/AT&gt;, &lt;at id="0"&gt;.</summary>
    [GeneratedRegex(@"<\s*/?\s*at\b[^>]*>", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex MentionTag();

    /// <summary>Three or more line breaks in a row, counting lines of only spaces or tabs as blank.</summary>
    [GeneratedRegex(@"\n(?:[ \t]*\n){2,}", RegexOptions.CultureInvariant)]
    private static partial Regex BlankLineRun();

    [GeneratedRegex(@"^\s*(?:(?:i['’]?m|i\s+am)\s+)?(?:(?:away|off|out|on\s+leave|back)\s+)?(?:(?:until|till|til|to|on)\s+)?(?:the\s+)?", RegexOptions.CultureInvariant)]
    private static partial Regex LeadIn();

    [GeneratedRegex(@"\b(\d{1,2})(?:st|nd|rd|th)\b", RegexOptions.CultureInvariant)]
    private static partial Regex Ordinal();

    [GeneratedRegex(@"^(?:next\s+|this\s+)?(?<day>[a-z]{3,9})$", RegexOptions.CultureInvariant)]
    private static partial Regex WeekdayOnly();

    [GeneratedRegex(@"^(?<y>\d{4})-(?<m>\d{1,2})-(?<d>\d{1,2})$", RegexOptions.CultureInvariant)]
    private static partial Regex IsoDate();

    [GeneratedRegex(@"^(?<d>\d{1,2})[/.](?<m>\d{1,2})(?:[/.](?<y>\d{4}|\d{2}))?$", RegexOptions.CultureInvariant)]
    private static partial Regex DayMonthYear();

    [GeneratedRegex(@"^(?:[a-z]+,?\s+)?(?<d>\d{1,2})(?:\s+of)?\s+(?<month>[a-z]+)\.?(?:,?\s+(?<y>\d{4}))?$", RegexOptions.CultureInvariant)]
    private static partial Regex DayMonthName();

    [GeneratedRegex(@"^(?<month>[a-z]+)\.?\s+(?<d>\d{1,2})(?:,?\s+(?<y>\d{4}))?$", RegexOptions.CultureInvariant)]
    private static partial Regex MonthNameDay();
}
