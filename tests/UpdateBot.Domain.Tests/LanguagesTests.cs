using UpdateBot.Domain;

namespace UpdateBot.Domain.Tests;

/// <summary>Which language a person is spoken to in (README, "Welsh and English"), and the Welsh words of the away command.</summary>
public sealed class LanguagesTests
{
    [Theory]
    [InlineData("cy-GB", Language.Welsh)]
    [InlineData("cy", Language.Welsh)]
    [InlineData("CY-gb", Language.Welsh)]
    [InlineData("en-GB", Language.English)]
    [InlineData("en-US", Language.English)]
    [InlineData("fr-FR", Language.English)]
    [InlineData("pt_BR", Language.English)]
    [InlineData("cym", Language.English)]
    public void A_Teams_locale_gives_Welsh_for_any_cy_tag_and_English_for_every_other(string locale, Language expected) =>
        Assert.Equal(expected, Languages.FromLocale(locale));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void No_locale_says_nothing(string? locale) => Assert.Null(Languages.FromLocale(locale));

    [Fact]
    public void A_stored_choice_beats_the_Teams_locale_and_with_neither_it_is_English()
    {
        Assert.Equal(Language.English, Languages.Choose(Language.English, Language.Welsh));
        Assert.Equal(Language.Welsh, Languages.Choose(Language.Welsh, Language.English));
        Assert.Equal(Language.Welsh, Languages.Choose(null, Language.Welsh));
        Assert.Equal(Language.English, Languages.Choose(null, Languages.FromLocale("de-DE")));
        Assert.Equal(Language.English, Languages.Choose(null, null));
    }

    [Theory]
    [InlineData("English", Language.English)]
    [InlineData("saesneg", Language.English)]
    [InlineData("en", Language.English)]
    [InlineData("Welsh", Language.Welsh)]
    [InlineData("Cymraeg", Language.Welsh)]
    [InlineData("Gymraeg", Language.Welsh)]
    [InlineData(" cy-GB ", Language.Welsh)]
    public void The_language_command_names_a_language_in_either_language(string argument, Language expected) =>
        Assert.Equal((expected, false), Languages.ParseChoice(argument));

    [Theory]
    [InlineData("auto")]
    [InlineData("awto")]
    public void Auto_hands_the_choice_back_to_Teams(string argument) => Assert.Equal(((Language?)null, true), Languages.ParseChoice(argument));

    [Theory]
    [InlineData("")]
    [InlineData("French")]
    [InlineData("Welsh please")]
    public void Anything_else_is_not_a_choice(string argument) => Assert.Null(Languages.ParseChoice(argument));

    [Fact]
    public void Stored_values_read_back_and_unknown_ones_are_nothing()
    {
        Assert.Equal(Language.Welsh, Languages.ReadStored("Welsh"));
        Assert.Null(Languages.ReadStored("Klingon"));
        Assert.Null(Languages.ReadStored("7"));
        Assert.Null(Languages.ReadStored(null));
        Assert.Equal("cy-GB", Language.Welsh.CultureName());
        Assert.Equal("en-GB", Language.English.CultureName());
    }

    [Fact]
    public void A_squad_publishes_its_headings_in_English_until_a_lead_chooses_Welsh_first_when_both()
    {
        Assert.Equal(HeadingLanguages.English, Languages.ReadHeadings(null));
        Assert.Equal(HeadingLanguages.English, Languages.ReadHeadings("Klingon"));
        Assert.Equal(HeadingLanguages.Both, Languages.ReadHeadings("both"));
        Assert.Equal([Language.Welsh, Language.English], Languages.Of(HeadingLanguages.Both));
        Assert.Equal([Language.Welsh], Languages.Of(HeadingLanguages.Welsh));
        Assert.Equal([Language.English], Languages.Of(HeadingLanguages.English));
    }

    [Theory]
    [InlineData("tan 12 Rhagfyr", "2026-12-12")]
    [InlineData("tan 12 rhag", "2026-12-12")]
    [InlineData("tan 2026-12-12", "2026-12-12")]
    [InlineData("am 2 wythnos", "2026-12-09")]
    [InlineData("am 3 diwrnod", "2026-11-28")]
    [InlineData("tan ddydd Gwener", "2026-11-27")]
    [InlineData("tan dydd Gwener", "2026-11-27")]
    [InlineData("ddydd Llun", "2026-11-30")]
    [InlineData("gwener", "2026-11-27")]
    [InlineData("llun", "2026-11-30")]
    [InlineData("tan Sul", "2026-11-29")]
    [InlineData("mawrth", "2026-12-01")]
    [InlineData("tan Mawrth", "2026-12-01")]
    [InlineData("tan ddydd Mawrth", "2026-12-01")]
    [InlineData("tan 12 Mawrth", "2027-03-12")]
    [InlineData("tan 12fed Mawrth", "2027-03-12")]
    [InlineData("tan Mawrth 12", "2027-03-12")]
    public void Away_reads_Welsh_dates_and_spans(string argument, string until)
    {
        var today = new DateOnly(2026, 11, 26);
        Assert.True(AwayPeriod.TryParse(argument, today, out var period));
        Assert.Equal(DateOnly.Parse(until, System.Globalization.CultureInfo.InvariantCulture), period.Until);
    }

    [Fact]
    public void Away_next_week_in_Welsh_is_Monday_to_Sunday_of_next_week()
    {
        Assert.True(AwayPeriod.TryParse("wythnos nesaf", new DateOnly(2026, 11, 26), out var period));
        Assert.Equal(new AwayPeriod(new DateOnly(2026, 11, 30), new DateOnly(2026, 12, 6)), period);
    }

    [Theory]
    [InlineData("day in Leeds was great")]
    [InlineData("tan")]
    public void Welsh_words_do_not_make_an_answer_a_command(string argument) =>
        Assert.False(AwayPeriod.TryParse(argument, new DateOnly(2026, 11, 26), out _));
}
