using System.Globalization;

namespace UpdateBot.Domain;

/// <summary>An ISO 8601 week, e.g. <c>2026-W48</c>. Weeks start on Monday; week 1 holds the year's first Thursday.</summary>
public readonly record struct IsoWeek(int Year, int Week) : IComparable<IsoWeek>
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Year:D4}-W{Week:D2}");

    /// <summary>The ISO week holding this calendar date (2025-12-29 is 2026-W01; 2027-01-01 is 2026-W53).</summary>
    public static IsoWeek FromDate(DateOnly date)
    {
        var dateTime = date.ToDateTime(TimeOnly.MinValue);
        return new IsoWeek(ISOWeek.GetYear(dateTime), ISOWeek.GetWeekOfYear(dateTime));
    }

    /// <summary>Parses <c>2026-W48</c> (case-insensitive W). Rejects weeks the year does not have (e.g. 2025-W53).</summary>
    public static bool TryParse(string? text, out IsoWeek week)
    {
        week = default;
        var trimmed = text?.Trim();
        if (trimmed is null || trimmed.Length != 8 || trimmed[4] != '-' || (trimmed[5] != 'W' && trimmed[5] != 'w'))
        {
            return false;
        }

        if (!int.TryParse(trimmed.AsSpan(0, 4), NumberStyles.None, CultureInfo.InvariantCulture, out var year)
            || !int.TryParse(trimmed.AsSpan(6, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var weekNumber))
        {
            return false;
        }

        if (year < 1 || year > 9998 || weekNumber < 1 || weekNumber > ISOWeek.GetWeeksInYear(year))
        {
            return false;
        }

        week = new IsoWeek(year, weekNumber);
        return true;
    }

    /// <summary>Parses <c>2026-W48</c> or throws <see cref="FormatException"/>.</summary>
    public static IsoWeek Parse(string text) =>
        TryParse(text, out var week) ? week : throw new FormatException($"'{text}' is not an ISO week such as 2026-W48.");

    /// <summary>How many weeks (52 or 53) the ISO year <paramref name="year"/> has.</summary>
    public static int WeeksInYear(int year) => ISOWeek.GetWeeksInYear(year);

    /// <summary>The Monday of this week.</summary>
    public DateOnly Monday => DateOnly.FromDateTime(ISOWeek.ToDateTime(Year, Week, DayOfWeek.Monday));

    /// <summary>The given weekday's date in this week (Sunday is the last day, as ISO weeks run Monday–Sunday).</summary>
    public DateOnly DateOf(DayOfWeek day) => DateOnly.FromDateTime(ISOWeek.ToDateTime(Year, Week, day));

    /// <summary>The week after this one, crossing into the next ISO year after W52 or W53.</summary>
    public IsoWeek Next() => FromDate(Monday.AddDays(7));

    /// <summary>The week before this one, crossing into the previous ISO year before W01.</summary>
    public IsoWeek Previous() => FromDate(Monday.AddDays(-7));

    public int CompareTo(IsoWeek other) => (Year, Week).CompareTo((other.Year, other.Week));

    public static bool operator <(IsoWeek left, IsoWeek right) => left.CompareTo(right) < 0;

    public static bool operator >(IsoWeek left, IsoWeek right) => left.CompareTo(right) > 0;

    public static bool operator <=(IsoWeek left, IsoWeek right) => left.CompareTo(right) <= 0;

    public static bool operator >=(IsoWeek left, IsoWeek right) => left.CompareTo(right) >= 0;
}
