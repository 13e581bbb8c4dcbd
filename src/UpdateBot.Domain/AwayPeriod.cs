using System.Globalization;
using System.Text.RegularExpressions;

namespace UpdateBot.Domain;

/// <summary>The days a member said they are away, both inclusive, in the squad's calendar.</summary>
public sealed partial record AwayPeriod(DateOnly From, DateOnly Until)
{
    public bool Covers(DateOnly date) => date >= From && date <= Until;

    /// <summary>Away from whenever it is said (a date picked on a card) until <paramref name="until"/>.</summary>
    public static AwayPeriod FromNowUntil(DateOnly until) => new(DateOnly.MinValue, until);

    /// <summary>
    /// Reads what follows "away": <c>until 12 Dec</c> (or any date <see cref="AnswerText.ParseAwayUntil"/> reads),
    /// <c>next week</c> (Monday to Sunday of the next week), <c>this week</c>, <c>for 2 weeks</c>, <c>for 3 days</c>.
    /// A period from today unless it names the next week. False for anything else ("day in Leeds was great").
    /// </summary>
    public static bool TryParse(string? text, DateOnly today, out AwayPeriod period)
    {
        period = new AwayPeriod(today, today);
        var phrase = (text ?? "").Trim().TrimEnd('.', '!', ',').Trim().ToLowerInvariant();
        phrase = WelshWords.ToEnglish(Spaces().Replace(phrase, " "));
        if (phrase.Length == 0)
        {
            return false;
        }

        var toMonday = ((int)DayOfWeek.Monday - (int)today.DayOfWeek + 7) % 7;
        var nextMonday = today.AddDays(toMonday == 0 ? 7 : toMonday);
        switch (phrase)
        {
            case "next week" or "all next week":
                period = new AwayPeriod(nextMonday, nextMonday.AddDays(6));
                return true;
            case "this week" or "for the rest of the week" or "rest of the week":
                period = new AwayPeriod(today, nextMonday.AddDays(-1));
                return true;
        }

        var lasting = For().Match(phrase);
        if (lasting.Success)
        {
            var count = lasting.Groups["n"].Value switch
            {
                "a" or "an" or "one" => 1,
                "two" => 2,
                "three" => 3,
                "four" => 4,
                var digits => int.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture),
            };
            var days = lasting.Groups["unit"].Value.StartsWith("week", StringComparison.Ordinal) ? count * 7 : count;
            if (count is < 1 or > 52 || days > 365)
            {
                return false;
            }

            period = new AwayPeriod(today, today.AddDays(days - 1));
            return true;
        }

        if (AnswerText.ParseAwayUntil(phrase, today) is { } until)
        {
            period = new AwayPeriod(today, until);
            return true;
        }

        return false;
    }

    [GeneratedRegex(@"^for (?<n>\d{1,3}|a|an|one|two|three|four) (?<unit>weeks?|days?)$", RegexOptions.CultureInvariant)]
    private static partial Regex For();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
