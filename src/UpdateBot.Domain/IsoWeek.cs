namespace UpdateBot.Domain;

/// <summary>An ISO 8601 week, e.g. <c>2026-W48</c>. Weeks start on Monday; week 1 holds the year's first Thursday.</summary>
public readonly record struct IsoWeek(int Year, int Week) : IComparable<IsoWeek>
{
    public override string ToString() => $"{Year:D4}-W{Week:D2}";

    /// <summary>The ISO week holding this calendar date. STUB.</summary>
    public static IsoWeek FromDate(DateOnly date) => throw new NotImplementedException();

    /// <summary>Parses <c>2026-W48</c> (case-insensitive W). STUB.</summary>
    public static bool TryParse(string? text, out IsoWeek week) => throw new NotImplementedException();

    /// <summary>The Monday of this week. STUB.</summary>
    public DateOnly Monday => throw new NotImplementedException();

    /// <summary>The given weekday's date in this week. STUB.</summary>
    public DateOnly DateOf(DayOfWeek day) => throw new NotImplementedException();

    public IsoWeek Next() => throw new NotImplementedException();

    public IsoWeek Previous() => throw new NotImplementedException();

    public int CompareTo(IsoWeek other) => (Year, Week).CompareTo((other.Year, other.Week));

    public static bool operator <(IsoWeek left, IsoWeek right) => left.CompareTo(right) < 0;

    public static bool operator >(IsoWeek left, IsoWeek right) => left.CompareTo(right) > 0;

    public static bool operator <=(IsoWeek left, IsoWeek right) => left.CompareTo(right) <= 0;

    public static bool operator >=(IsoWeek left, IsoWeek right) => left.CompareTo(right) >= 0;
}
