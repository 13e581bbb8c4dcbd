using CsCheck;
using UpdateBot.Domain;

namespace UpdateBot.Domain.Tests;

public class IsoWeekTests
{
    [Theory]
    [InlineData("2026-11-23", 2026, 48)]
    [InlineData("2025-12-29", 2026, 1)] // Monday of W01 is still in the old calendar year
    [InlineData("2026-01-01", 2026, 1)]
    [InlineData("2026-12-28", 2026, 53)] // 2026 has 53 weeks
    [InlineData("2026-12-31", 2026, 53)]
    [InlineData("2027-01-01", 2026, 53)]
    [InlineData("2027-01-03", 2026, 53)]
    [InlineData("2027-01-04", 2027, 1)]
    [InlineData("2021-01-03", 2020, 53)]
    [InlineData("2024-12-30", 2025, 1)]
    public void FromDate_follows_ISO_8601(string date, int year, int week) =>
        Assert.Equal(new IsoWeek(year, week), IsoWeek.FromDate(DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void Monday_and_DateOf_cross_calendar_years()
    {
        Assert.Equal(new DateOnly(2025, 12, 29), new IsoWeek(2026, 1).Monday);
        Assert.Equal(new DateOnly(2026, 12, 28), new IsoWeek(2026, 53).Monday);
        Assert.Equal(new DateOnly(2027, 1, 1), new IsoWeek(2026, 53).DateOf(DayOfWeek.Friday));
        Assert.Equal(new DateOnly(2027, 1, 3), new IsoWeek(2026, 53).DateOf(DayOfWeek.Sunday)); // Sunday ends the week
        Assert.Equal(new DateOnly(2026, 11, 26), new IsoWeek(2026, 48).DateOf(DayOfWeek.Thursday));
    }

    [Theory]
    [InlineData(2026, 52, 2026, 53)]
    [InlineData(2026, 53, 2027, 1)]
    [InlineData(2025, 52, 2026, 1)]
    [InlineData(2026, 48, 2026, 49)]
    public void Next_and_Previous_cross_years(int year, int week, int nextYear, int nextWeek)
    {
        var current = new IsoWeek(year, week);
        var next = new IsoWeek(nextYear, nextWeek);
        Assert.Equal(next, current.Next());
        Assert.Equal(current, next.Previous());
        Assert.True(current < next);
    }

    [Theory]
    [InlineData("2026-W48", 2026, 48)]
    [InlineData("2026-w48", 2026, 48)]
    [InlineData(" 2026-W01 ", 2026, 1)]
    [InlineData("2026-W53", 2026, 53)]
    public void TryParse_accepts_valid_weeks(string text, int year, int week)
    {
        Assert.True(IsoWeek.TryParse(text, out var parsed));
        Assert.Equal(new IsoWeek(year, week), parsed);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("2026W48")]
    [InlineData("2026-W4")]
    [InlineData("2026-W00")]
    [InlineData("2026-W54")]
    [InlineData("2025-W53")] // 2025 has only 52 weeks
    [InlineData("26-W048")]
    [InlineData("2026-X48")]
    [InlineData("2026-W+1")]
    [InlineData("abcd-W12")]
    public void TryParse_rejects_invalid_text(string? text) => Assert.False(IsoWeek.TryParse(text, out _));

    [Fact]
    public void ToString_is_zero_padded() => Assert.Equal("2026-W05", new IsoWeek(2026, 5).ToString());

    private static readonly Gen<DateOnly> AnyDate =
        Gen.Int[new DateOnly(1, 1, 8).DayNumber, new DateOnly(9998, 12, 20).DayNumber].Select(DateOnly.FromDayNumber);

    [Fact]
    public void Format_and_parse_round_trip_for_any_date() =>
        AnyDate.Sample(date =>
        {
            var week = IsoWeek.FromDate(date);
            return IsoWeek.TryParse(week.ToString(), out var parsed) && parsed == week;
        });

    [Fact]
    public void Every_date_lies_within_its_week_and_weeks_chain() =>
        AnyDate.Sample(date =>
        {
            var week = IsoWeek.FromDate(date);
            var monday = week.Monday;
            return monday.DayOfWeek == DayOfWeek.Monday
                && monday <= date && date <= monday.AddDays(6)
                && week.DateOf(date.DayOfWeek) == date
                && week.Next().Previous() == week
                && week.Next().Monday == monday.AddDays(7)
                && week.Next() > week;
        });
}
